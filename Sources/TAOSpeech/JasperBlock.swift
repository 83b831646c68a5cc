import TAOTensor

/// One block of a QuartzNet/Jasper/Citrinet encoder (NeMo's JasperBlock).
///
/// `repeat` sub-blocks each convolve (depthwise + pointwise when separable), batch-normalize and, but for the
/// last, activate and drop out. A residual path (a 1x1 convolution + BatchNorm of the block's input, or of every
/// earlier block's output when dense) is added before the last activation and dropout. Squeeze-excitation, when
/// on, rescales channels after the last sub-block. Parameter names follow NeMo (`mconv.0.conv.weight`,
/// `res.0.0.conv.weight`, `res.0.1.running_mean`).
final class JasperBlock: Module {
    let mconv = IndexedModules()
    let res = IndexedModules()
    let squeezeExcitation: SqueezeExcitation?
    private var steps: [Step] = []
    private var residuals: [(conv: MaskedConv1d, norm: BatchNorm1d)] = []
    private let activation: Activation
    private let dropouts: [Dropout]
    private let outputDropout: Dropout?
    /// Whether the block adds residuals from every earlier block (so the encoder keeps passing them all on).
    let isDenseResidual: Bool

    private enum Step {
        case conv(MaskedConv1d)
        case norm(BatchNorm1d)
        case activate(dropout: Int?)
    }

    /// - Parameters:
    ///   - inChannels: channels of the block's input.
    ///   - residualChannels: channels of each residual input (the block input, or every earlier output when dense).
    init(_ spec: JasperBlockSpec, path: String, inChannels: Int, residualChannels: [Int], activation: Activation,
         useMask: Bool, rng: inout RandomGenerator) throws {
        guard spec.repeat >= 1 else { throw ModelSpecError(path: path + ".repeat", reason: "must be at least 1") }
        guard spec.kernel.count == 1, let baseKernel = spec.kernel.first, baseKernel >= 1 else {
            throw ModelSpecError(path: path + ".kernel", reason: "must be one positive kernel size, e.g. [33]")
        }
        guard spec.stride.count == 1, let stride = spec.stride.first, stride >= 1 else {
            throw ModelSpecError(path: path + ".stride", reason: "must be one positive stride, e.g. [1]")
        }
        guard spec.dilation.count == 1, let dilation = spec.dilation.first, dilation >= 1 else {
            throw ModelSpecError(path: path + ".dilation", reason: "must be one positive dilation, e.g. [1]")
        }
        guard spec.dropout >= 0 && spec.dropout < 1 else {
            throw ModelSpecError(path: path + ".dropout", reason: "must be in [0, 1), got \(spec.dropout)")
        }
        let kernel = JasperBlock.scaledKernel(baseKernel, factor: spec.kernelSizeFactor)
        isDenseResidual = spec.residual && spec.residualDense
        self.activation = activation
        var index = 0, channels = inChannels
        var dropouts: [Dropout] = []
        for r in 0..<spec.repeat {
            let strideHere = (spec.strideLast ? r == spec.repeat - 1 : r == 0) ? stride : 1
            if spec.separable {
                let depthwise = MaskedConv1d(inChannels: channels, outChannels: channels, kernelSize: kernel, stride: strideHere,
                                             dilation: dilation, groups: channels, useMask: useMask, rng: &rng)
                let pointwise = MaskedConv1d(inChannels: channels, outChannels: spec.filters, kernelSize: 1, useMask: useMask, rng: &rng)
                mconv.append(depthwise, at: index)
                mconv.append(pointwise, at: index + 1)
                steps += [.conv(depthwise), .conv(pointwise)]
                index += 2
            } else {
                guard channels % spec.groups == 0, spec.filters % spec.groups == 0 else {
                    throw ModelSpecError(path: path + ".groups", reason: "\(channels) -> \(spec.filters) channels do not split into \(spec.groups) groups")
                }
                let conv = MaskedConv1d(inChannels: channels, outChannels: spec.filters, kernelSize: kernel, stride: strideHere,
                                        dilation: dilation, groups: spec.groups, useMask: useMask, rng: &rng)
                mconv.append(conv, at: index)
                steps.append(.conv(conv))
                index += 1
            }
            let norm = BatchNorm1d(channels: spec.filters, momentum: 0.1, eps: 1e-3)
            mconv.append(norm, at: index)
            steps.append(.norm(norm))
            index += 1
            channels = spec.filters
            if r < spec.repeat - 1 {
                if spec.dropout > 0 { dropouts.append(Dropout(probability: Float(spec.dropout), rng: RandomGenerator(seed: rng.next()))) }
                steps.append(.activate(dropout: spec.dropout > 0 ? dropouts.count - 1 : nil))
                index += 2  // NeMo's activation and dropout modules take two positions.
            }
        }
        self.dropouts = dropouts
        outputDropout = spec.dropout > 0 ? Dropout(probability: Float(spec.dropout), rng: RandomGenerator(seed: rng.next())) : nil
        if spec.se {
            let se = SqueezeExcitation(channels: spec.filters, reductionRatio: spec.seReductionRatio, activation: activation, rng: &rng)
            mconv.append(se, at: index)
            squeezeExcitation = se
        } else {
            squeezeExcitation = nil
        }
        if spec.residual {
            let residualStride = spec.residualMode == "stride_add" ? stride : 1
            for (i, inputChannels) in residualChannels.enumerated() {
                let conv = MaskedConv1d(inChannels: inputChannels, outChannels: spec.filters, kernelSize: 1, stride: residualStride,
                                        useMask: useMask, rng: &rng)
                let norm = BatchNorm1d(channels: spec.filters, momentum: 0.1, eps: 1e-3)
                let pair = IndexedModules()
                pair.append(conv, at: 0)
                pair.append(norm, at: 1)
                res.append(pair, at: i)
                residuals.append((conv, norm))
            }
        }
    }

    var children: [(String, any Module)] {
        var list: [(String, any Module)] = [("mconv", mconv)]
        if !residuals.isEmpty { list.append(("res", res)) }
        for (i, dropout) in dropouts.enumerated() { list.append(("dropout_\(i)", dropout)) }
        if let outputDropout { list.append(("dropout_out", outputDropout)) }
        return list
    }

    /// - Parameters:
    ///   - inputs: the block input last; earlier block outputs before it when residuals are dense.
    /// - Returns: `[batch, filters, time']` and the lengths after the block's stride.
    func callAsFunction(_ inputs: [(Tensor, [Int])]) -> (Tensor, [Int]) {
        guard var (x, lengths) = inputs.last else { preconditionFailure("JasperBlock needs an input") }
        for step in steps {
            switch step {
            case let .conv(conv): (x, lengths) = conv(x, lengths: lengths)
            case let .norm(norm): x = norm(x)
            case let .activate(dropout):
                x = activation(x)
                if let dropout { x = dropouts[dropout](x) }
            }
        }
        if let squeezeExcitation { x = squeezeExcitation(x, lengths: lengths) }
        let residualInputs = residuals.count == 1 ? [inputs[inputs.count - 1]] : inputs
        for (residual, input) in zip(residuals, residualInputs) {
            let (r, _) = residual.conv(input.0, lengths: input.1)
            x = x + residual.norm(r)
        }
        x = activation(x)
        if let outputDropout { x = outputDropout(x) }
        return (x, lengths)
    }

    /// NeMo's kernel_size_factor: the kernel scaled and kept odd, at least 1.
    static func scaledKernel(_ kernel: Int, factor: Double) -> Int {
        var scaled = max(1, Int(Double(kernel) * factor))
        if scaled % 2 == 0 { scaled += 1 }
        return scaled
    }
}
