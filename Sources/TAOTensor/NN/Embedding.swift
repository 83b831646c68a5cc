/// A table of learned vectors looked up by index (PyTorch's `nn.Embedding`).
public final class Embedding: Module {
    /// `[count, dimension]`, standard normal like PyTorch.
    public let weight: Tensor

    /// `count` vectors of `dimension` values.
    public init(count: Int, dimension: Int, rng: inout RandomGenerator) {
        weight = .normal([count, dimension], requiresGrad: true, rng: &rng)
    }

    /// A table holding `weight` `[count, dimension]` (e.g. a checkpoint's or a differently initialized one).
    public init(weight: Tensor) {
        precondition(weight.rank == 2, "Embedding weight must be [count, dimension], got \(weight.shape)")
        self.weight = weight
    }

    public var localParameters: [(String, Tensor)] { [("weight", weight)] }

    /// Vectors of `indices` -> `indices.shape + [dimension]`.
    public func callAsFunction(_ indices: IndexTensor) -> Tensor {
        gatherRows(weight, indices)
    }
}
