import TAOTensor

/// Squeeze-excitation over time (Citrinet): each channel is rescaled by
/// `sigmoid(W2 act(W1 mean_t(x)))`, the mean taken over each utterance's valid frames.
/// Parameter names follow NeMo's `fc.0.weight` `[channels / r, channels]` and `fc.2.weight` `[channels, channels / r]`.
final class SqueezeExcitation: Module {
    let reduce: Tensor
    let expand: Tensor
    private let activation: Activation

    init(channels: Int, reductionRatio: Int, activation: Activation, rng: inout RandomGenerator) {
        let hidden = max(1, channels / max(reductionRatio, 1))
        reduce = .xavierUniform([hidden, channels], rng: &rng)
        expand = .xavierUniform([channels, hidden], rng: &rng)
        self.activation = activation
        fc = IndexedModules([(0, WeightOnly(reduce)), (2, WeightOnly(expand))])
    }

    /// NeMo's `fc` Sequential: Linear (index 0), activation (1), Linear (2), both without bias.
    private let fc: IndexedModules

    var children: [(String, any Module)] { [("fc", fc)] }

    /// x: `[batch, channels, time]` -> the same shape, channels rescaled.
    func callAsFunction(_ x: Tensor, lengths: [Int]) -> Tensor {
        let batch = x.shape[0]
        let inverseLengths = Tensor(lengths.map { 1 / Float(max($0, 1)) }, shape: [batch, 1])
        let pooled = x.maskedTime(lengths: lengths).sum(axes: [2]) * inverseLengths        // [B, C]
        let hidden = activation(matmul(pooled, reduce.transposed()))                       // [B, C/r]
        let scale = matmul(hidden, expand.transposed()).sigmoid()                          // [B, C]
        return x * scale.unsqueezed(2)
    }
}

/// A module holding one `weight`.
private final class WeightOnly: Module {
    let weight: Tensor
    init(_ weight: Tensor) { self.weight = weight }
    var localParameters: [(String, Tensor)] { [("weight", weight)] }
}
