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
