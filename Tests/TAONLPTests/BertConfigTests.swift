import Foundation
import Testing
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
