/// Inverted dropout, with its gradient.

extension Tensor {
    /// Zeroes each element with `probability` and scales the rest by 1 / (1 - probability), so evaluation needs
    /// no rescaling. The mask comes from `rng`, so a run is reproducible.
    public func dropout(probability: Float, rng: inout RandomGenerator) -> Tensor {
        precondition(probability >= 0 && probability < 1, "dropout probability \(probability) is not in [0, 1)")
        if probability == 0 { return self }
        let mask = Tensor(uninitialized: shape)
        let keep = 1 / (1 - probability), m = mask.pointer
        for i in 0..<count { m[i] = rng.nextUniform() < probability ? 0 : keep }
        return binaryMap(self, mask, MulKernel.self).recording([self]) { g in [g * mask] }
    }
}
