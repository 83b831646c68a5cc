/// Squeeze-and-excitation over `[batch, channels, time]` as in Citrinet: a masked global average over valid
/// frames, two bias-free linear layers (ReLU between), a sigmoid gate per channel. Parameter names follow
/// NeMo's `fc.0` / `fc.2`.
public final class SqueezeExcitation: Module {
    public let squeeze: Linear, excite: Linear

    /// An SE block reducing `channels` by `reduction` (8 in Citrinet).
    public init(channels: Int, reduction: Int = 8, rng: inout RandomGenerator) {
        squeeze = Linear(inFeatures: channels, outFeatures: channels / reduction, bias: false, rng: &rng)
        excite = Linear(inFeatures: channels / reduction, outFeatures: channels, bias: false, rng: &rng)
    }

    public var children: [(String, any Module)] { [("fc.0", squeeze), ("fc.2", excite)] }

    /// x scaled per channel by a gate computed from its valid frames (`lengths[b]` per utterance).
    public func callAsFunction(_ x: Tensor, lengths: [Int]) -> Tensor {
        let counts = Tensor(lengths.map { Float(Swift.max($0, 1)) }, shape: [lengths.count, 1])
        let pooled = x.maskedTime(lengths: lengths).sum(axes: [2]) / counts
        let gate = excite(squeeze(pooled).relu()).sigmoid()
        return x * gate.unsqueezed(-1)
    }
}
