import TAOTensor

extension SqueezeExcitation {
    /// Citrinet's squeeze-excitation: `channels / reductionRatio` hidden units, Xavier-uniform weights (NeMo's
    /// `init_weights`), the encoder's activation between the two layers.
    convenience init(channels: Int, reductionRatio: Int, activation: Activation, rng: inout RandomGenerator) {
        let hidden = max(1, channels / max(reductionRatio, 1))
        let squeeze = Linear(weight: .xavierUniform([hidden, channels], rng: &rng), bias: nil)
        let excite = Linear(weight: .xavierUniform([channels, hidden], rng: &rng), bias: nil)
        self.init(squeeze: squeeze, excite: excite, activation: { activation($0) })
    }
}
