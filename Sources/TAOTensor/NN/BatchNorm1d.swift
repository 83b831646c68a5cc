/// Batch normalization over `[batch, channels, time]` or `[batch, channels]` (PyTorch's `nn.BatchNorm1d`):
/// batch statistics and running-average updates in training, running statistics in evaluation.
public final class BatchNorm1d: Layer {
    /// Scale `[channels]`, initialized to 1.
    public let weight: Tensor
    /// Shift `[channels]`, initialized to 0.
    public let bias: Tensor
    /// Running mean `[channels]` (buffer).
    public let runningMean: Tensor
    /// Running unbiased variance `[channels]` (buffer).
    public let runningVar: Tensor
    public let momentum: Float, eps: Float
    /// Whether calls use and update batch statistics.
    public var isTraining = true

    /// A BatchNorm; NeMo's Jasper blocks use eps 1e-3, PyTorch's default is 1e-5.
    public init(channels: Int, momentum: Float = 0.1, eps: Float = 1e-5) {
        weight = Tensor(repeating: 1, shape: [channels], requiresGrad: true)
        bias = Tensor(zeros: [channels], requiresGrad: true)
        runningMean = Tensor(zeros: [channels])
        runningVar = Tensor(repeating: 1, shape: [channels])
        self.momentum = momentum
        self.eps = eps
    }

    public var localParameters: [(String, Tensor)] { [("weight", weight), ("bias", bias)] }
    public var localBuffers: [(String, Tensor)] { [("running_mean", runningMean), ("running_var", runningVar)] }
    public func setLocalTraining(_ training: Bool) { isTraining = training }

    /// Normalizes `x` per channel.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        batchNorm(x, weight: weight, bias: bias,
                  statistics: BatchNormStatistics(mean: runningMean, variance: runningVar, momentum: momentum),
                  training: isTraining, eps: eps)
    }

    public func forward(_ x: Tensor) -> Tensor { self(x) }
}
