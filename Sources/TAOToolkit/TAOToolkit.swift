/// tao's toolkit layer: specs, run records and the tasks.
public enum TAOToolkit {
    /// The version tao reports.
    public static let version = "0.1.0"
}
