import Foundation
import Testing
import TAONLP
import TAOTensor
import TAOText
@testable import TAOToolkit

/// A tiny random intent+slot model saved as a `.tao`, as `train` would write it.
private func tinyIntentModel(at url: URL) throws {
    let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "show", "flights", "to", "denver", "boston"]
    let tokenizer = try BertTokenizer(vocabulary: Vocabulary(tokens: tokens))
    let config = BertConfig(vocabSize: tokens.count, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32,
                            hiddenDropoutProb: 0, attentionProbsDropoutProb: 0, maxPositionEmbeddings: 64, typeVocabSize: 2,
                            layerNormEps: 1e-12, initializerRange: 0.02)
    var rng = RandomGenerator(seed: 3)
    let labels = TextLabels(sequence: try LabelVocabulary(labels: ["atis_flight", "atis_airfare"]),
                            tokens: [try LabelVocabulary(labels: ["B-toloc.city_name", "O"])])
    let schema = try #require(DefaultSpecs.schema(.intentSlotClassification, .train))
    let spec = try ResolvedSpec.load(schema: schema, yaml: "data_dir: data", name: "spec.yaml")
    let settings = try TextModelSettings.of(spec, task: .intentSlotClassification)
    let model = try TextTaskModels.make(.intentSlotClassification, encoder: BertModel(config: config, rng: &rng), labels: labels,
                                        settings: settings, seed: 4)
    try TextModelFile.save(model, task: .intentSlotClassification, tokenizer: tokenizer, labels: labels, settings: settings,
                           trainingSpec: spec, to: url, key: nil)
}

@Test("a text model opens for inference: intents with probabilities that sum to one, slot words with their character offsets")
func textModelRunner() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tao-intent-\(UUID().uuidString).tao")
    defer { try? FileManager.default.removeItem(at: url) }
    try tinyIntentModel(at: url)
    #expect(TextModelRunner.isTextModel(url))
    let runner = try TextModelRunner(url: url)
    #expect(runner.task == .intentSlotClassification)
    #expect(runner.sequenceLabels == ["atis_flight", "atis_airfare"])
    let classes = try runner.classify(["show flights to denver"], top: 2)
    #expect(classes.count == 1 && classes[0].count == 2)
    #expect(abs(classes[0].reduce(0) { $0 + $1.probability } - 1) < 1e-5)
    #expect(Set(classes[0].map(\.name)) == ["atis_flight", "atis_airfare"])
    let tagged = try runner.tag(["  show  flights to denver"])
    #expect(tagged[0].map(\.word) == ["show", "flights", "to", "denver"])
    #expect(tagged[0].map(\.range) == [2..<6, 8..<15, 16..<18, 19..<25])
    #expect(tagged[0].allSatisfy { $0.labels.count == 1 && ["B-toloc.city_name", "O"].contains($0.labels[0].name) })
    #expect(throws: (any Error).self) { try runner.punctuate(["show flights"]) }
}
