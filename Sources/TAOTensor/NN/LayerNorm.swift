/// Layer normalization over the last axis (PyTorch's `nn.LayerNorm`; BERT uses eps 1e-12).
public final class LayerNorm: Layer {
    /// Scale `[features]`, initialized to 1.
    public let weight: Tensor
    /// Shift `[features]`, initialized to 0.
    public let bias: Tensor
    public let eps: Float

    /// A layer norm over `features`.
    public init(features: Int, eps: Float = 1e-5) {
        weight = Tensor(repeating: 1, shape: [features], requiresGrad: true)
        bias = Tensor(zeros: [features], requiresGrad: true)
        self.eps = eps
    }

    public var localParameters: [(String, Tensor)] { [("weight", weight), ("bias", bias)] }

    /// Normalizes each row of the last axis.
    public func callAsFunction(_ x: Tensor) -> Tensor { layerNorm(x, weight: weight, bias: bias, eps: eps) }

    public func forward(_ x: Tensor) -> Tensor { self(x) }
}
