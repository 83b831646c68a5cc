import Foundation
import Testing
import TAOTensor
@testable import TAOSpeech

/// A Citrinet-shaped encoder small enough for tests: B0 (k5), three stride-2 mega-block heads with a plain block after
/// the first, and the final block, every block with squeeze-excitation (DESIGN.md section 6 at 16 channels).
private func tinyCitrinet(featIn: Int = 16, labels: [String], rng: inout RandomGenerator) throws -> CTCModel {
    func strided(_ kernel: Int) -> JasperBlockSpec {
        JasperBlockSpec(filters: 16, repeat: 2, kernel: kernel, stride: 2, residual: true, se: true, seReductionRatio: 4,
                        residualMode: "stride_add", strideLast: true)
    }
    let blocks = [
        JasperBlockSpec(filters: 16, kernel: 5, se: true, seReductionRatio: 4),
        strided(11),
        JasperBlockSpec(filters: 16, repeat: 2, kernel: 13, residual: true, se: true, seReductionRatio: 4),
        strided(13),
        strided(25),
        JasperBlockSpec(filters: 24, kernel: 41, se: true, seReductionRatio: 4),
    ]
    return try CTCModel(encoder: EncoderSpec(featIn: featIn, jasper: blocks), decoder: DecoderSpec(featIn: 24, vocabulary: labels),
                        rng: &rng)
}

@Test("Citrinet's output length is ceil(frames / 8) for random lengths, in the lengths and in the tensor")
func citrinetOutputLength() throws {
    var rng = RandomGenerator(seed: 21)
    let model = try tinyCitrinet(labels: ["▁a", "b", "▁c"], rng: &rng)
    model.setTraining(false)
    #expect(model.encoder.subsampling == 8)
    for round in 0..<6 {
        let lengths = (0..<3).map { _ in 1 + Int(rng.next() % 150) }
        // the padded batch is a few frames longer than the longest utterance, not a multiple of 8 in general
        let time = lengths.max()! + round
        let features = Tensor.uniform([3, 16, time], low: -1, high: 1, rng: &rng)
        let (logProbs, outputLengths) = withNoGrad { model(features, lengths: lengths) }
        #expect(outputLengths == lengths.map { ($0 + 7) / 8 }, "lengths \(lengths)")
        #expect(logProbs.shape == [3, (time + 7) / 8, 4], "time \(time)")
    }
}

/// Compares `backward()` with central differences of `sum(f(inputs) * probe)` for a fixed random probe.
/// Returns a description of the worst element beyond `absolute + relative * |numeric|`, or nil.
private func gradientMismatch(_ inputs: [Tensor], step: Float = 1e-2, absolute: Double = 2e-3, relative: Double = 2e-2,
                              _ f: ([Tensor]) -> Tensor) -> String? {
    for input in inputs {
        input.requiresGrad = true
        input.zeroGrad()
    }
    let output = f(inputs)
    var rng = RandomGenerator(seed: 77)
    let probe = Tensor.uniform(output.shape, low: -1, high: 1, rng: &rng).scalars.map(Double.init)
    (output * Tensor(probe.map(Float.init), shape: output.shape)).sum().backward()
    func loss() -> Double { withNoGrad { zip(f(inputs).scalars, probe).reduce(0) { $0 + Double($1.0) * $1.1 } } }
    var worst: (excess: Double, text: String)?
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
                worst = (excess, "input \(index) element \(element): analytic \(analytic[element]) vs numeric \(numeric)")
            }
        }
    }
    return worst?.text
}

@Test("squeeze-excitation (masked mean over valid frames, both activations) has finite-difference-correct gradients")
func squeezeExcitationGradients() {
    for activation in [Activation.relu, .swish] {
        var rng = RandomGenerator(seed: 31)
        let se = SqueezeExcitation(channels: 8, reductionRatio: 4, activation: activation, rng: &rng)
        let x = Tensor.uniform([2, 8, 6], low: -1, high: 1, rng: &rng)
        // the second utterance has 3 valid frames: its padding must not change the gate
        #expect(gradientMismatch([x, se.squeeze.weight, se.excite.weight]) { se($0[0], lengths: [6, 3]) } == nil, "\(activation)")
    }
}

@Test("squeeze-excitation ignores padded frames: an utterance gets the same output alone and padded")
func squeezeExcitationIgnoresPadding() {
    var rng = RandomGenerator(seed: 32)
    let se = SqueezeExcitation(channels: 8, reductionRatio: 4, activation: .relu, rng: &rng)
    let x = Tensor.uniform([1, 8, 4], low: -1, high: 1, rng: &rng)
    var padded = [Float](repeating: 5, count: 8 * 7)
    for c in 0..<8 { for t in 0..<4 { padded[c * 7 + t] = x.scalars[c * 4 + t] } }
    let alone = withNoGrad { se(x, lengths: [4]) }.scalars
    let withPadding = withNoGrad { se(Tensor(padded, shape: [1, 8, 7]), lengths: [4]) }.scalars
    var largest: Float = 0
    for c in 0..<8 { for t in 0..<4 { largest = max(largest, abs(alone[c * 4 + t] - withPadding[c * 7 + t])) } }
    #expect(largest < 1e-6)
}
