/// 1-D convolution layer over `[batch, channels, time]` (PyTorch's `nn.Conv1d`): stride, padding, dilation
/// and groups (groups = channels is depthwise). Xavier-uniform weights, optional zero bias.
public final class Conv1d: Layer {
    /// `[outChannels, inChannels / groups, kernelSize]`.
    public let weight: Tensor
    /// `[outChannels]`, when the layer has a bias.
    public let bias: Tensor?
    public let stride: Int, padding: Int, dilation: Int, groups: Int

    /// A convolution; `padding` nil means "same" padding (dilation (kernel - 1) / 2), as NeMo's Jasper blocks use.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int? = nil,
                dilation: Int = 1, groups: Int = 1, bias: Bool = false, rng: inout RandomGenerator) {
        precondition(inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv1d: \(inChannels) -> \(outChannels) channels do not split into \(groups) groups")
        weight = .xavierUniform([outChannels, inChannels / groups, kernelSize], rng: &rng)
        self.bias = bias ? Tensor(zeros: [outChannels], requiresGrad: true) : nil
        self.stride = stride
        self.padding = padding ?? dilation * (kernelSize - 1) / 2
        self.dilation = dilation
        self.groups = groups
    }

    public var localParameters: [(String, Tensor)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }

    /// x: `[batch, inChannels, time]` -> `[batch, outChannels, conv1dOutputLength(time, ...)]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv1d(x, weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// Output lengths of utterances with `lengths` valid input frames.
    public func outputLengths(_ lengths: [Int]) -> [Int] {
        lengths.map { Swift.max(0, conv1dOutputLength($0, kernelSize: weight.shape[2], stride: stride, padding: padding, dilation: dilation)) }
    }

    public func forward(_ x: Tensor) -> Tensor { self(x) }
}
