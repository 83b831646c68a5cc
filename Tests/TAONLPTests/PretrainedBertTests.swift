import Foundation
import Testing
import TAOTensor
import TAOText
import TAONLP

private func hiddenStates(_ bert: PretrainedBert, ids: [[Int]]) -> [Float] {
    let length = ids.map(\.count).max() ?? 0
    let batch = TextBatch(batchSize: ids.count, length: length,
                          tokenIDs: ids.flatMap { $0 + [Int](repeating: bert.tokenizer.padID, count: length - $0.count) },
                          typeIDs: [Int](repeating: 0, count: ids.count * length), lengths: ids.map(\.count))
    bert.model.setTraining(false)
    return withNoGrad { bert.model(batch).scalars }
}

@Test("a Hugging Face folder loads: config, weights and vocabulary, and matches PyTorch")
func loadsFolder() throws {
    let bert = try PretrainedBert.load(folder: try fixturePath("tiny-bert"))
    #expect(bert.config.vocabSize == 100 && bert.tokenizer.vocabulary.count == 100)
    #expect(bert.model.pooler != nil)
    let golden = try TinyBertGolden.load()
    bert.model.setTraining(false)
    let hidden = withNoGrad { bert.model(golden.batch) }
    #expect(maxAbsDifference(hidden.scalars, golden.last_hidden_state.flatMap { $0.flatMap { $0 } }) < 1e-5)
}

@Test("cutting the vocabulary keeps special tokens and gives the same hidden states for kept tokens")
func cutsVocabulary() throws {
    let bert = try PretrainedBert.load(folder: try fixturePath("tiny-bert"))
    let text = "the word was long ."
    let original = try bert.tokenizer.encode(text).ids
    let smaller = try bert.keepingTokens(Set(original), singleCharacters: false)
    #expect(smaller.tokenizer.vocabulary.count == Set(original + [0, 1, 2, 3, 4]).count)
    #expect(smaller.config.vocabSize == smaller.tokenizer.vocabulary.count)
    let remapped = try smaller.tokenizer.encode(text)
    #expect(remapped.tokens == (try bert.tokenizer.encode(text)).tokens)
    #expect(remapped.ids.max()! < smaller.config.vocabSize)
    #expect(maxAbsDifference(hiddenStates(bert, ids: [original]), hiddenStates(smaller, ids: [remapped.ids])) < 1e-6)
    let withCharacters = try bert.keepingTokens(Set(original))
    #expect(withCharacters.tokenizer.vocabulary.contains("a") && withCharacters.tokenizer.vocabulary.contains("?"))
}

@Test("keeping the first layers drops the others; layer counts out of range throw")
func keepsFirstLayers() throws {
    let bert = try PretrainedBert.load(folder: try fixturePath("tiny-bert"))
    let one = try bert.keepingLayers(1)
    #expect(one.config.numHiddenLayers == 1)
    #expect(!one.model.namedParameters().contains { $0.0.hasPrefix("encoder.layer.1.") })
    let names = Dictionary(uniqueKeysWithValues: bert.model.namedParameters())
    for (name, tensor) in one.model.namedParameters() { #expect(tensor.scalars == names[name]?.scalars) }
    #expect(throws: BertError.self) { try bert.keepingLayers(3) }
}

@Test("a saved folder loads back with the same weights, vocabulary and outputs")
func savesAndLoads() throws {
    let bert = try PretrainedBert.load(folder: try fixturePath("tiny-bert"))
    let folder = temporaryPath("saved")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let smaller = try bert.keepingTokens([5, 6, 7, 8])
    try smaller.save(to: folder)
    let loaded = try PretrainedBert.load(folder: folder)
    #expect(loaded.config == smaller.config)
    #expect(loaded.tokenizer.vocabulary == smaller.tokenizer.vocabulary)
    let ids = [[2, 5, 6, 3], [2, 7, 3]]
    #expect(hiddenStates(loaded, ids: ids) == hiddenStates(smaller, ids: ids))

    let halfFolder = temporaryPath("half")
    defer { try? FileManager.default.removeItem(atPath: halfFolder) }
    try smaller.save(to: halfFolder, storage: .float16)
    let size = { (folder: String) in (try? FileManager.default.attributesOfItem(atPath: folder + "/model.safetensors")[.size] as? Int) ?? 0 }
    #expect(size(halfFolder) < size(folder) * 6 / 10)
    let half = try PretrainedBert.load(folder: halfFolder)
    #expect(maxAbsDifference(hiddenStates(half, ids: ids), hiddenStates(smaller, ids: ids)) < 2e-2)
}

@Test("a folder without config.json or with a vocabulary larger than vocab_size is an error naming the file")
func folderErrors() throws {
    let folder = temporaryPath("broken")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    do {
        _ = try PretrainedBert.load(folder: folder)
        Issue.record("expected an error")
    } catch {
        #expect("\(error)".contains("config.json"))
    }
    var config = try BertConfig(contentsOfFile: try fixturePath("tiny-bert/config.json"))
    config.vocabSize = 50
    try config.write(toFile: folder + "/config.json")
    try FileManager.default.copyItem(atPath: try fixturePath("tiny-bert/vocab.txt"), toPath: folder + "/vocab.txt")
    #expect(throws: BertError.badConfigValue(path: folder + "/config.json", key: "vocab_size", value: "50",
                                             expected: "at least the 100 tokens of vocab.txt")) {
        try PretrainedBert.load(folder: folder)
    }
}
