import Foundation
import Testing
@testable import TAOTensor
import TAONLP

private func tinyConfig() throws -> BertConfig { try BertConfig(contentsOfFile: try fixturePath("tiny-bert/config.json")) }

private func tinyModel() throws -> BertModel {
    var rng = RandomGenerator(seed: 5)
    let model = BertModel(config: try tinyConfig(), rng: &rng)
    try BertCheckpoint.load(from: try fixturePath("tiny-bert/model.safetensors"), into: model)
    return model
}

@Test("BertModel's parameter names are exactly Hugging Face BertModel's")
func parameterNamesAreHuggingFaces() throws {
    var rng = RandomGenerator(seed: 1)
    let model = BertModel(config: try tinyConfig(), rng: &rng)
    let file = try SafetensorsFile(contentsOf: URL(fileURLWithPath: try fixturePath("tiny-bert/model.safetensors")))
    #expect(Set(model.namedParameters().map(\.0)) == Set(file.entries.keys))
    #expect(model.namedParameters().count == 39)
    #expect(model.namedParameters().contains { $0.0 == "encoder.layer.1.attention.self.query.weight" && $0.1.shape == [32, 32] })
}

@Test("tiny random BERT: last_hidden_state and pooler_output equal PyTorch's to 1e-5 (padded rows, two segments)")
func tinyBertMatchesPyTorch() throws {
    let golden = try TinyBertGolden.load()
    let model = try tinyModel()
    model.setTraining(false)
    let hidden = withNoGrad { model(golden.batch) }
    #expect(hidden.shape == [3, 9, 32])
    #expect(hidden.gradNode == nil)
    #expect(maxAbsDifference(hidden.scalars, golden.last_hidden_state.flatMap { $0.flatMap { $0 } }) < 1e-5)
    let pooled = try #require(withNoGrad { model.pooled(hidden) })
    #expect(maxAbsDifference(pooled.scalars, golden.pooler_output.flatMap { $0 }) < 1e-5)
}

@Test("checkpoints load with or without the bert. prefix")
func loadsPrefixedCheckpoint() throws {
    let golden = try TinyBertGolden.load()
    let reference = try tinyModel()
    let url = URL(fileURLWithPath: temporaryPath("prefixed") + ".safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try SafetensorsFile.write(reference.namedParameters().map { ("bert." + $0.0, $0.1) }, to: url)
    var rng = RandomGenerator(seed: 9)
    let model = BertModel(config: try tinyConfig(), rng: &rng)
    try BertCheckpoint.load(from: url.path, into: model)
    model.setTraining(false)
    reference.setTraining(false)
    let (a, b) = withNoGrad { (model(golden.batch).scalars, reference(golden.batch).scalars) }
    #expect(a == b)
}

@Test("loading reports missing tensors, unknown tensors and shape mismatches by name")
func loadingErrorsNameTensors() throws {
    let reference = try tinyModel()
    let names = reference.namedParameters()
    let url = URL(fileURLWithPath: temporaryPath("partial") + ".safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    var rng = RandomGenerator(seed: 2)

    try SafetensorsFile.write(names.filter { !$0.0.hasPrefix("pooler.") }, to: url)
    #expect(throws: BertError.missingTensors(path: url.path, names: ["pooler.dense.weight", "pooler.dense.bias"])) {
        try BertCheckpoint.load(from: url.path, into: BertModel(config: try tinyConfig(), rng: &rng))
    }
    try BertCheckpoint.load(from: url.path, into: BertModel(config: try tinyConfig(), pooler: false, rng: &rng))

    try SafetensorsFile.write(names + [("encoder.layer.7.output.dense.weight", Tensor(zeros: [2]))], to: url)
    #expect(throws: BertError.unknownTensors(path: url.path, names: ["encoder.layer.7.output.dense.weight"])) {
        try BertCheckpoint.load(from: url.path, into: BertModel(config: try tinyConfig(), rng: &rng))
    }

    var wider = try tinyConfig()
    wider.vocabSize = 101
    try SafetensorsFile.write(names, to: url)
    #expect(throws: BertError.tensorMismatch(path: url.path, name: "embeddings.word_embeddings.weight", found: "shape [100, 32]",
                                             expected: "shape [101, 32]")) {
        try BertCheckpoint.load(from: url.path, into: BertModel(config: wider, rng: &rng))
    }
    #expect(throws: BertError.unreadableFile(path: "/nonexistent.safetensors", reason: "no such file")) {
        try BertCheckpoint.load(from: "/nonexistent.safetensors", into: reference)
    }
}

@Test("random initialization is Hugging Face's: normal(0, 0.02) weights, zero biases and [PAD] row, LayerNorm 1 and 0")
func randomInitialization() throws {
    var rng = RandomGenerator(seed: 3)
    let model = BertModel(config: BertConfig(vocabSize: 200, hiddenSize: 64, numHiddenLayers: 1, numAttentionHeads: 4,
                                             intermediateSize: 128), rng: &rng)
    let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters())
    let words = try #require(parameters["embeddings.word_embeddings.weight"]).scalars
    #expect(words.prefix(64).allSatisfy { $0 == 0 })
    let intermediate = try #require(parameters["encoder.layer.0.intermediate.dense.weight"]).scalars
    let std = (intermediate.reduce(0) { $0 + $1 * $1 } / Float(intermediate.count)).squareRoot()
    #expect(abs(std - 0.02) < 0.001)
    #expect(try #require(parameters["encoder.layer.0.attention.self.key.bias"]).scalars.allSatisfy { $0 == 0 })
    #expect(try #require(parameters["encoder.layer.0.output.LayerNorm.weight"]).scalars.allSatisfy { $0 == 1 })
}
