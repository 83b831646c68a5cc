import Foundation

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

/// Standard normal samples by the Box-Muller transform, two per pair of uniforms.
struct GaussianSampler {
    private var spare: Float?

    mutating func next(using rng: inout some RandomNumberGenerator) -> Float {
        if let value = spare {
            spare = nil
            return value
        }
        // u1 in (0, 1] so the log is finite.
        let u1 = 1 - Double.random(in: 0..<1, using: &rng)
        let u2 = Double.random(in: 0..<1, using: &rng)
        let radius = (-2 * log(u1)).squareRoot()
        spare = Float(radius * sin(2 * .pi * u2))
        return Float(radius * cos(2 * .pi * u2))
    }
}
