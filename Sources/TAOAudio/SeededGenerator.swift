/// A small, fast, seedable random number generator (SplitMix64), used where tao derives one generator per
/// utterance from the caller's generator so results do not depend on thread scheduling.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// The same seed gives the same sequence on every platform.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Standard normal samples by Marsaglia's polar method (two per accepted pair of uniforms, no trigonometry), fast
/// enough that training-time dither costs little next to the FFT.
struct GaussianSampler {
    private var spare: Float?

    mutating func next(using rng: inout some RandomNumberGenerator) -> Float {
        if let value = spare {
            spare = nil
            return value
        }
        while true {
            let u = Float.random(in: -1..<1, using: &rng), v = Float.random(in: -1..<1, using: &rng)
            let s = u * u + v * v
            // Points outside the unit disc (or at its centre) are redrawn: about 21% of pairs.
            guard s < 1, s > 1e-30 else { continue }
            let factor = (-2 * fastLog(s) / s).squareRoot()
            spare = v * factor
            return u * factor
        }
    }
}
