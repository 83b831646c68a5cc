/// Squeeze-and-excitation over `[batch, channels, time]` as in Citrinet: a masked global average over valid
/// frames, two bias-free linear layers (an activation between, ReLU unless given), a sigmoid gate per channel.
/// Parameter names follow NeMo's `fc.0` / `fc.2`.
public final class SqueezeExcitation: Module {
    public let squeeze: Linear, excite: Linear
    private let activation: (Tensor) -> Tensor

    /// An SE block reducing `channels` by `reduction` (8 in Citrinet), initialized as PyTorch's Linear.
    public convenience init(channels: Int, reduction: Int = 8, rng: inout RandomGenerator) {
        self.init(squeeze: Linear(inFeatures: channels, outFeatures: channels / reduction, bias: false, rng: &rng),
                  excite: Linear(inFeatures: channels / reduction, outFeatures: channels, bias: false, rng: &rng))
    }

    /// An SE block over given layers (`squeeze` `[hidden, channels]`, `excite` `[channels, hidden]`, no biases).
    public init(squeeze: Linear, excite: Linear, activation: @escaping (Tensor) -> Tensor = { $0.relu() }) {
        precondition(Array(squeeze.weight.shape.reversed()) == excite.weight.shape, "SE layers \(squeeze.weight.shape) and \(excite.weight.shape) do not chain")
        self.squeeze = squeeze
        self.excite = excite
        self.activation = activation
    }

    public var children: [(String, any Module)] { [("fc.0", squeeze), ("fc.2", excite)] }

    /// x scaled per channel by a gate computed from its valid frames (`lengths[b]` per utterance).
    public func callAsFunction(_ x: Tensor, lengths: [Int]) -> Tensor {
        let counts = Tensor(lengths.map { Float(Swift.max($0, 1)) }, shape: [lengths.count, 1])
        let pooled = x.maskedTime(lengths: lengths).sum(axes: [2]) / counts
        let gate = excite(activation(squeeze(pooled))).sigmoid()
        return x * gate.unsqueezed(-1)
    }
}
