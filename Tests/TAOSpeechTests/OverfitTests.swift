import Foundation
import Testing
import TAOAudio
import TAOTensor
@testable import TAOSpeech

/// Features `[batch, 64, frames]` (zero-padded) and the valid frame counts of fixture utterances.
private func fixtureBatch(_ names: [String]) throws -> (features: Tensor, lengths: [Int], transcripts: [String]) {
    let featurizer = try LogMelFeaturizer(.quartzNet)
    var all: [Features] = [], transcripts: [String] = []
    for name in names {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "wav", subdirectory: "Fixtures"))
        let text = try #require(Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures"))
        all.append(try featurizer.features(of: try AudioFile.read(url, resamplingTo: 16000).samples))
        transcripts.append(try String(contentsOf: text, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
    }
    let frames = all.map(\.frameCount).max() ?? 0, mels = 64
    var values = [Float](repeating: 0, count: names.count * mels * frames)
    for (b, item) in all.enumerated() {
        for m in 0..<mels { for t in 0..<item.frameCount { values[(b * mels + m) * frames + t] = item[m, t] } }
    }
    return (Tensor(values, shape: [names.count, mels, frames]), all.map(\.validFrames), transcripts)
}

/// A QuartzNet-shaped model small enough to train in a debug build.
private func tinyModel(labels: [String], rng: inout RandomGenerator) throws -> CTCModel {
    let blocks = [
        JasperBlockSpec(filters: 64, kernel: 11, stride: 2),
        JasperBlockSpec(filters: 64, repeat: 2, kernel: 13, residual: true),
        JasperBlockSpec(filters: 64, repeat: 2, kernel: 15, residual: true),
        JasperBlockSpec(filters: 96, kernel: 1),
    ]
    return try CTCModel(encoder: EncoderSpec(featIn: 64, jasper: blocks), decoder: DecoderSpec(featIn: 96, vocabulary: labels), rng: &rng)
}

private let englishLabels = [" "] + "abcdefghijklmnopqrstuvwxyz".map(String.init) + ["'"]

@Test("parameter names follow NeMo's QuartzNet checkpoints")
func parameterNamesFollowNeMo() throws {
    var rng = RandomGenerator(seed: 1)
    let model = try tinyModel(labels: englishLabels, rng: &rng)
    let names = Set(model.stateTensors().map(\.0))
    for name in ["encoder.encoder.0.mconv.0.conv.weight", "encoder.encoder.0.mconv.1.conv.weight",
                 "encoder.encoder.0.mconv.2.running_mean", "encoder.encoder.1.mconv.5.conv.weight",
                 "encoder.encoder.1.mconv.7.weight", "encoder.encoder.1.res.0.0.conv.weight",
                 "encoder.encoder.1.res.0.1.running_var", "decoder.decoder_layers.0.weight", "decoder.decoder_layers.0.bias"] {
        #expect(names.contains(name), "missing \(name)")
    }
    #expect(model.encoder.subsampling == 2)
    // Squeeze-excitation sits in mconv after the last BatchNorm, as NeMo's Citrinet blocks have it.
    let citrinetBlock = JasperBlockSpec(filters: 32, repeat: 2, kernel: 5, residual: true, se: true, seReductionRatio: 8)
    let withSE = try CTCModel(encoder: EncoderSpec(featIn: 64, jasper: [citrinetBlock]), decoder: DecoderSpec(featIn: 32, vocabulary: englishLabels), rng: &rng)
    let seNames = Set(withSE.namedParameters().map(\.0))
    #expect(seNames.contains("encoder.encoder.0.mconv.8.fc.0.weight") && seNames.contains("encoder.encoder.0.mconv.8.fc.2.weight"))
    #expect(model.decoder.classes == 29)
}

@Test("a padded batch gives each utterance the log-probabilities it gets alone (masked convolutions)")
func batchInvariance() throws {
    var rng = RandomGenerator(seed: 3)
    let model = try tinyModel(labels: englishLabels, rng: &rng)
    model.setTraining(false)
    let batch = try fixtureBatch(["cards_001", "flite_kal_weather"])
    let (together, lengths) = withNoGrad { model(batch.features, lengths: batch.lengths) }
    let alone = try fixtureBatch(["cards_001"])
    let (single, singleLengths) = withNoGrad { model(alone.features, lengths: alone.lengths) }
    #expect(lengths[0] == singleLengths[0])
    let classes = together.shape[2]
    var largest: Float = 0
    for t in 0..<singleLengths[0] {
        for k in 0..<classes {
            largest = max(largest, abs(together.scalars[t * classes + k] - single.scalars[t * classes + k]))
        }
    }
    #expect(largest < 1e-4)
}

@Test("a tiny QuartzNet overfits four fixture utterances to CER 0 with CTC and Novograd")
func tinyModelOverfits() throws {
    var rng = RandomGenerator(seed: 7)
    let model = try tinyModel(labels: englishLabels, rng: &rng)
    let batch = try fixtureBatch(["cards_001", "flite_kal_weather", "flite_slt_numbers", "espeak_us_fox"])
    let targets = try batch.transcripts.map { try #require(model.encode($0)) }
    let optimizer = Novograd(parameters: model.parameters, learningRate: 0.05, betas: (0.8, 0.5), weightDecay: 0)
    let ctc = CTCLoss(blank: model.blank)
    var decoded: [String] = []
    for step in 1...400 {
        model.setTraining(true)
        optimizer.zeroGrad()
        let (logProbs, lengths) = model(batch.features, lengths: batch.lengths)
        let (loss, _) = ctc(logProbs, inputLengths: lengths, targets: targets)
        loss.backward()
        optimizer.step()
        if step % 25 == 0 {
            model.setTraining(false)
            let (evaluation, evaluationLengths) = withNoGrad { model(batch.features, lengths: batch.lengths) }
            decoded = (0..<4).map { model.greedyTranscript(evaluation, item: $0, length: evaluationLengths[$0]) }
            if decoded == batch.transcripts { break }
        }
    }
    #expect(decoded == batch.transcripts)
}
