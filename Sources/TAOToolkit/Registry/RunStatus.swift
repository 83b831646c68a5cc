/// The life cycle of a run, as `status.json` and the registry spell it.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case started = "STARTED"
    case running = "RUNNING"
    case success = "SUCCESS"
    case failure = "FAILURE"
    /// Never stored: reported for a STARTED or RUNNING run whose process is gone.
    case interrupted = "INTERRUPTED"

    /// Whether the run has not ended (yet).
    public var isActive: Bool { self == .started || self == .running }
}
