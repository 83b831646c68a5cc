import TAOTensor

/// NeMo's MaskedConv1d: zeroes frames past each utterance's length before convolving, so padding never
/// reaches valid frames, and computes the lengths after the convolution. Its `conv` child keeps NeMo's names.
final class MaskedConv1d: Module {
    let conv: Conv1d
    let useMask: Bool

    init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, dilation: Int = 1, groups: Int = 1,
         bias: Bool = false, useMask: Bool, rng: inout RandomGenerator) {
        conv = Conv1d(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
                      dilation: dilation, groups: groups, bias: bias, rng: &rng)
        self.useMask = useMask
    }

    var children: [(String, any Module)] { [("conv", conv)] }

    /// x: `[batch, in, time]` -> (`[batch, out, time']`, lengths after the convolution).
    func callAsFunction(_ x: Tensor, lengths: [Int]) -> (Tensor, [Int]) {
        let input = useMask ? x.maskedTime(lengths: lengths) : x
        return (conv(input), conv.outputLengths(lengths))
    }
}
