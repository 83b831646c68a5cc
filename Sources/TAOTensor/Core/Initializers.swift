/// Tensors filled from a seeded `RandomGenerator`, and the standard weight initializers.
extension Tensor {
    /// Values uniform in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, requiresGrad: Bool = false,
                               rng: inout RandomGenerator) -> Tensor {
        let out = Tensor(uninitialized: shape)
        for i in 0..<out.count { out.pointer[i] = rng.nextUniform(low, high) }
        out.requiresGrad = requiresGrad
        return out
    }

    /// Values from a normal distribution with `mean` and `std`.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, requiresGrad: Bool = false,
                              rng: inout RandomGenerator) -> Tensor {
        let out = Tensor(uninitialized: shape)
        for i in 0..<out.count { out.pointer[i] = mean + std * rng.nextNormal() }
        out.requiresGrad = requiresGrad
        return out
    }

    /// Fan-in and fan-out as PyTorch computes them: `[out, in, kernel...]` gives in * receptive, out * receptive.
    static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(shape.count >= 2, "fan-in/fan-out need at least 2 axes, got shape \(shape)")
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// Xavier/Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)); a trainable parameter.
    public static func xavierUniform(_ shape: [Int], gain: Float = 1, rng: inout RandomGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(shape)
        let bound = gain * (6 / Float(fanIn + fanOut)).squareRoot()
        return uniform(shape, low: -bound, high: bound, requiresGrad: true, rng: &rng)
    }

    /// Kaiming/He uniform for ReLU-like layers: U(-b, b) with b = gain * sqrt(3 / fanIn), gain sqrt(2) by default.
    public static func kaimingUniform(_ shape: [Int], gain: Float = Float(2).squareRoot(), rng: inout RandomGenerator) -> Tensor {
        let bound = gain * (3 / Float(fans(shape).fanIn)).squareRoot()
        return uniform(shape, low: -bound, high: bound, requiresGrad: true, rng: &rng)
    }

    /// Kaiming/He normal: N(0, gain / sqrt(fanIn)).
    public static func kaimingNormal(_ shape: [Int], gain: Float = Float(2).squareRoot(), rng: inout RandomGenerator) -> Tensor {
        normal(shape, std: gain / Float(fans(shape).fanIn).squareRoot(), requiresGrad: true, rng: &rng)
    }
}
