/// max(x, 0) as a layer, for `Sequential`.
public final class ReLU: Layer {
    /// A ReLU.
    public init() {}
    /// max(x, 0).
    public func callAsFunction(_ x: Tensor) -> Tensor { x.relu() }
    public func forward(_ x: Tensor) -> Tensor { x.relu() }
}
