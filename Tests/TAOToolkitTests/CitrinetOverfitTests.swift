import Foundation
import Testing
import TAOAudio
import TAOSpeech
import TAOTensor
@testable import TAOToolkit

/// The repository's audio-fixtures folder (tests run from a checkout).
private let audioFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("audio-fixtures")

@Test("a tiny Citrinet (8x subsampling, squeeze-excitation) overfits four fixture utterances to CER 0 through a WordPiece tokenizer")
func tinyCitrinetOverfits() throws {
    let folder = try runFixtureURL("citrinet_wpe/vocab.txt").deletingLastPathComponent()
    let tokenizer = try SpeechTokenizer.load(dir: folder.path, type: "wpe")
    #expect(tokenizer.encode("clubs today") == [7, 8, 13, 14])
    var entries: [ManifestEntry] = []
    for name in ["cards_001", "flite_kal_weather", "flite_slt_numbers", "espeak_us_fox"] {
        let text = try String(contentsOf: audioFixtures.appendingPathComponent(name + ".txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        entries.append(ManifestEntry(audioFilepath: audioFixtures.appendingPathComponent(name + ".wav").path, duration: 0, text: text))
    }
    let loader = SpeechBatchLoader(featurizer: try LogMelFeaturizer(.quartzNet), sampleRate: 16000, specAugment: nil,
                                   encodeTranscript: tokenizer.encode)
    let batch = try loader.load(entries, training: false, seed: 0)
    #expect(batch.targets.allSatisfy { !$0.isEmpty && !$0.contains(1) }, "no transcript may need [UNK]")

    var rng = RandomGenerator(seed: 5)
    func strided(_ kernel: Int) -> JasperBlockSpec {
        JasperBlockSpec(filters: 48, repeat: 2, kernel: kernel, stride: 2, residual: true, se: true, seReductionRatio: 8,
                        residualMode: "stride_add", strideLast: true)
    }
    let blocks = [JasperBlockSpec(filters: 48, kernel: 5, se: true), strided(11), strided(13), strided(15),
                  JasperBlockSpec(filters: 64, kernel: 21, se: true)]
    let model = try CTCModel(encoder: EncoderSpec(featIn: 64, jasper: blocks), decoder: DecoderSpec(featIn: 64, vocabulary: tokenizer.labels),
                             rng: &rng)
    #expect(model.encoder.subsampling == 8 && model.ctcLabels.kind == .subwords)
    let optimizer = Novograd(parameters: model.parameters, learningRate: 0.05, betas: (0.8, 0.5), weightDecay: 0)
    let ctc = CTCLoss(blank: model.blank)
    var decoded: [String] = []
    let transcripts = entries.map(\.text)
    for step in 1...400 {
        model.setTraining(true)
        optimizer.zeroGrad()
        let (logProbs, lengths) = model(batch.features, lengths: batch.lengths)
        let (loss, _) = ctc(logProbs, inputLengths: lengths, targets: batch.targets)
        loss.backward()
        optimizer.step()
        if step % 20 == 0 {
            model.setTraining(false)
            let (evaluation, evaluationLengths) = withNoGrad { model(batch.features, lengths: batch.lengths) }
            decoded = (0..<4).map { model.greedyTranscript(evaluation, item: $0, length: evaluationLengths[$0]) }
            if decoded == transcripts { break }
        }
    }
    #expect(decoded == transcripts)
}

@Test("models/citrinet_small/train.yaml loads against the Citrinet train schema and builds a Citrinet with 8x subsampling")
func citrinetSmallSpecLoads() throws {
    let file = audioFixtures.deletingLastPathComponent().appendingPathComponent("models/citrinet_small/train.yaml")
    let schema = try #require(DefaultSpecs.schema(.speechToTextCitrinet, .train))
    let spec = try ResolvedSpec.load(schema: schema, file: file, overrides: [
        "model.tokenizer.dir=tok", "training_ds.manifest_filepath=train.json", "validation_ds.manifest_filepath=validation.json",
    ])
    let typed = try spec.decode(SpeechTrainSpec<SubwordModelSpec>.self)
    #expect(typed.model.preprocessor.features == 80 && typed.model.encoder.featIn == 80)
    var decoder = typed.model.decoder
    decoder.vocabulary = (0..<128).map { "▁p\($0)" }
    var rng = RandomGenerator(seed: 1)
    let model = try CTCModel(encoder: typed.model.encoder, decoder: decoder, rng: &rng)
    #expect(model.encoder.subsampling == 8)
    let parameters = model.parameters.reduce(0) { $0 + $1.count }
    #expect(parameters > 700_000 && parameters < 1_000_000, "\(parameters) parameters")
}
