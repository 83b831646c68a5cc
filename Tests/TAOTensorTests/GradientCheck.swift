import Testing
@testable import TAOTensor

/// The largest disagreement a finite-difference check found.
struct GradientMismatch: CustomStringConvertible {
    let input: Int, element: Int
    let analytic: Double, numeric: Double
    var description: String { "input \(input) element \(element): analytic \(analytic) vs numeric \(numeric)" }
}

/// Compares the gradients `backward()` gives for `loss = sum(f(inputs) * probe)` (a fixed random probe, so
/// every output element matters with its own weight) with central differences of that loss, element by
/// element. Float32 with `step` 1e-2: the truncation error is ~1e-4 relative, far below a wrong sign or a
/// missing term. Returns the worst mismatch beyond `absolute + relative * |numeric|`, or nil.
func gradientMismatch(_ inputs: [Tensor], step: Float = 1e-2, absolute: Double = 2e-3, relative: Double = 2e-2,
                      seed: UInt64 = 99, _ f: ([Tensor]) -> Tensor) -> GradientMismatch? {
    for input in inputs {
        precondition(input.isContiguous, "gradient check inputs must be contiguous")
        input.requiresGrad = true
        input.zeroGrad()
    }
    let output = f(inputs)
    var rng = RandomGenerator(seed: seed)
    let probe = Tensor.uniform(output.shape, low: -1, high: 1, rng: &rng)
    (output * probe).sum().backward()
    let probeValues = probe.scalars.map(Double.init)

    func loss() -> Double {
        withNoGrad { zip(f(inputs).scalars, probeValues).reduce(0) { $0 + Double($1.0) * $1.1 } }
    }
    var worst: (excess: Double, mismatch: GradientMismatch)?
    for (index, input) in inputs.enumerated() {
        let analytic = input.grad?.scalars ?? [Float](repeating: 0, count: input.count)
        for element in 0..<input.count {
            let saved = input.pointer[element]
            input.pointer[element] = saved + step
            let plus = loss()
            input.pointer[element] = saved - step
            let minus = loss()
            input.pointer[element] = saved
            let numeric = (plus - minus) / (2 * Double(step))
            let excess = abs(Double(analytic[element]) - numeric) - (absolute + relative * abs(numeric))
            if excess > 0 && excess > (worst?.excess ?? 0) {
                worst = (excess, GradientMismatch(input: index, element: element, analytic: Double(analytic[element]), numeric: numeric))
            }
        }
    }
    return worst?.mismatch
}

/// A seeded tensor of values in [-1, 1) for tests.
func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, rng: &rng)
}

/// Largest absolute elementwise difference of two equal-shaped value lists.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "\(a.count) vs \(b.count) values")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
