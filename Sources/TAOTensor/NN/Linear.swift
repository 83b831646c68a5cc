/// Affine map over the last axis (PyTorch's `nn.Linear`): y = x W^T + b.
public final class Linear: Layer {
    /// `[outFeatures, inFeatures]`, Kaiming-uniform (PyTorch's default bound 1 / sqrt(inFeatures)).
    public let weight: Tensor
    /// `[outFeatures]`, when the layer has a bias.
    public let bias: Tensor?
    private var isTraining = true
    /// The weight packed for inference, while in evaluation mode.
    let packedCache = PackedAffineCache()

    /// A linear layer; biases start uniform in +-1 / sqrt(inFeatures) as in PyTorch.
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, rng: inout RandomGenerator) {
        weight = .kaimingUniform([outFeatures, inFeatures], gain: Float(1.0 / 3).squareRoot(), rng: &rng)
        let bound = 1 / Float(inFeatures).squareRoot()
        self.bias = bias ? .uniform([outFeatures], low: -bound, high: bound, requiresGrad: true, rng: &rng) : nil
    }

    /// A linear layer over given tensors: `weight` `[outFeatures, inFeatures]`, `bias` `[outFeatures]` (e.g. views
    /// of one shared storage, so several layers can also run as one fused GEMM).
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "Linear weight must be [out, in], got \(weight.shape)")
        if let bias { precondition(bias.shape == [weight.shape[0]], "Linear bias \(bias.shape) does not fit weight \(weight.shape)") }
        self.weight = weight
        self.bias = bias
    }

    public var localParameters: [(String, Tensor)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }

    /// Evaluation mode runs inference on the weight packed once (see `PackedAffineCache`); training drops it.
    public func setLocalTraining(_ training: Bool) {
        isTraining = training
        if training { packedCache.clear() }
    }

    /// x: `[..., inFeatures]` -> `[..., outFeatures]` (one GEMM over all leading axes; W^T is passed to BLAS, or
    /// in evaluation mode without a gradient to record, the packed weight to tao's kernel).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        affine(x, weight: weight, bias: bias, packedCache: isTraining ? nil : packedCache)
    }

    public func forward(_ x: Tensor) -> Tensor { self(x) }
}
