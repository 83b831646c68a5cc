import Foundation
import Testing
import TAOTensor
import TAONLP

@Test("config.json of the tiny BERT decodes with Hugging Face's keys")
func decodesTinyConfig() throws {
    let config = try BertConfig(contentsOfFile: try fixturePath("tiny-bert/config.json"))
    #expect(config == BertConfig(vocabSize: 100, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64,
                                 maxPositionEmbeddings: 64))
}

@Test("a config written by tao reads back equal")
func configRoundTrip() throws {
    let config = BertConfig(vocabSize: 50, hiddenSize: 16, numHiddenLayers: 3, numAttentionHeads: 2, intermediateSize: 24,
                            hiddenDropoutProb: 0.2, layerNormEps: 1e-7)
    #expect(try BertConfig(json: config.jsonData(), path: "x.json") == config)
}

@Test("config errors name the file and the key")
func configErrors() {
    #expect(throws: BertError.missingConfigKey(path: "c.json", key: "hidden_size")) {
        try BertConfig(json: Data(#"{"vocab_size": 10, "num_hidden_layers": 1, "num_attention_heads": 1, "intermediate_size": 4}"#.utf8), path: "c.json")
    }
    let bad = #"{"vocab_size": 10, "hidden_size": "big", "num_hidden_layers": 1, "num_attention_heads": 1, "intermediate_size": 4}"#
    #expect(throws: BertError.badConfigValue(path: "c.json", key: "hidden_size", value: "big", expected: "a positive integer")) {
        try BertConfig(json: Data(bad.utf8), path: "c.json")
    }
    let heads = #"{"vocab_size": 10, "hidden_size": 10, "num_hidden_layers": 1, "num_attention_heads": 3, "intermediate_size": 4}"#
    do {
        _ = try BertConfig(json: Data(heads.utf8), path: "c.json")
        Issue.record("expected an error")
    } catch {
        #expect("\(error)".hasPrefix("c.json: 'num_attention_heads'"))
    }
    let activation = #"{"vocab_size": 10, "hidden_size": 10, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 4, "hidden_act": "relu"}"#
    #expect(throws: (any Error).self) { try BertConfig(json: Data(activation.utf8), path: "c.json") }
    #expect(throws: BertError.malformedConfig(path: "c.json", reason: "not a JSON object")) { try BertConfig(json: Data("[1]".utf8), path: "c.json") }
    #expect(throws: BertError.unreadableFile(path: "/nonexistent/config.json", reason: "no such file or not readable")) {
        try BertConfig(contentsOfFile: "/nonexistent/config.json")
    }
}

/// A config.json of the tiny BERT's sizes with `key` set to `value` (JSON text).
private func tinyConfig(_ key: String, _ value: String) -> Data {
    var keys = ["vocab_size": "100", "hidden_size": "32", "num_hidden_layers": "2", "num_attention_heads": "4",
                "intermediate_size": "64", "max_position_embeddings": "64", "type_vocab_size": "2"]
    keys[key] = value
    return Data(("{" + keys.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}").utf8)
}

@Test("a size past its upper bound names the key and the bound, before any tensor is allocated",
      arguments: [("max_position_embeddings", "4611686018427387904", 65536), ("vocab_size", "10000000000", 1_000_000),
                  ("hidden_size", "1e300", 8192), ("intermediate_size", "32769", 32768), ("num_hidden_layers", "129", 128),
                  ("num_attention_heads", "257", 256), ("type_vocab_size", "1025", 1024)])
func configUpperBounds(key: String, value: String, maximum: Int) throws {
    let error = #expect(throws: BertError.self) { try BertConfig(json: tinyConfig(key, value), path: "c.json") }
    guard case let .badConfigValue(path, errorKey, _, expected) = error else { Issue.record("\(String(describing: error))"); return }
    #expect(path == "c.json" && errorKey == key && expected == "at most \(maximum)")
}

@Test("a JSON boolean is not a number: true is not read as 1", arguments: ["num_hidden_layers", "layer_norm_eps"])
func configBooleans(key: String) throws {
    let error = #expect(throws: BertError.self) { try BertConfig(json: tinyConfig(key, "true"), path: "c.json") }
    guard case let .badConfigValue(_, errorKey, _, _) = error else { Issue.record("\(String(describing: error))"); return }
    #expect(errorKey == key)
}

@Test("sizes each within bounds whose weights would pass a billion are refused with the count")
func configParameterLimit() throws {
    let big = #"{"vocab_size": 1000000, "hidden_size": 8192, "num_hidden_layers": 128, "num_attention_heads": 64, "intermediate_size": 32768}"#
    let error = #expect(throws: BertError.self) { try BertConfig(json: Data(big.utf8), path: "c.json") }
    let message = error.map { "\($0)" } ?? ""
    #expect(message.hasPrefix("c.json: the sizes make "), "\(message)")
    #expect(message.contains("expected at most 1000000000"), "\(message)")
}

@Test("parameterCount counts every weight of the encoder and its pooler")
func parameterCountMatchesModel() throws {
    let config = try BertConfig(contentsOfFile: try fixturePath("tiny-bert/config.json"))
    var rng = RandomGenerator(seed: 1)
    let model = BertModel(config: config, pooler: true, rng: &rng)
    #expect(config.parameterCount == model.parameters.reduce(0) { $0 + $1.count })
}
