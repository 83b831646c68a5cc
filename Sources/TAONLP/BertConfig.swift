import Foundation
import TAOTensor

/// The shape of a BERT encoder, as Hugging Face's `config.json` spells it (`BertConfig`).
public struct BertConfig: Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    /// Hidden dropout (after the embeddings and after each sublayer's output projection), in training.
    public var hiddenDropoutProb: Float
    /// Dropout of attention probabilities, in training.
    public var attentionProbsDropoutProb: Float
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    /// Standard deviation of the normal initializer of a randomly initialized model.
    public var initializerRange: Float
    /// The activation between the two feed-forward projections; only `gelu` (the exact erf form) is supported.
    public let hiddenAct = "gelu"

    /// A configuration with Hugging Face's defaults for everything but the sizes.
    public init(vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, intermediateSize: Int,
                hiddenDropoutProb: Float = 0.1, attentionProbsDropoutProb: Float = 0.1, maxPositionEmbeddings: Int = 512,
                typeVocabSize: Int = 2, layerNormEps: Float = 1e-12, initializerRange: Float = 0.02) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.hiddenDropoutProb = hiddenDropoutProb
        self.attentionProbsDropoutProb = attentionProbsDropoutProb
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.initializerRange = initializerRange
    }

    /// Reads a Hugging Face `config.json`; errors name the file and the key.
    public init(contentsOfFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BertError.unreadableFile(path: path, reason: "no such file or not readable")
        }
        try self.init(json: data, path: path)
    }

    /// Decodes config.json text; `path` names it in errors.
    public init(json data: Data, path: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: data), let keys = object as? [String: Any] else {
            throw BertError.malformedConfig(path: path, reason: "not a JSON object")
        }
        let reader = ConfigReader(keys: keys, path: path)
        // Upper bounds far above any published BERT (BERT-large: 30522 x 1024, 24 layers, 16 heads, 4096, 512 positions).
        self.init(vocabSize: try reader.integer("vocab_size", atMost: 1_000_000),
                  hiddenSize: try reader.integer("hidden_size", atMost: 8192),
                  numHiddenLayers: try reader.integer("num_hidden_layers", atMost: 128),
                  numAttentionHeads: try reader.integer("num_attention_heads", atMost: 256),
                  intermediateSize: try reader.integer("intermediate_size", atMost: 32768),
                  hiddenDropoutProb: try reader.probability("hidden_dropout_prob", default: 0.1),
                  attentionProbsDropoutProb: try reader.probability("attention_probs_dropout_prob", default: 0.1),
                  maxPositionEmbeddings: try reader.integer("max_position_embeddings", default: 512, atMost: 65536),
                  typeVocabSize: try reader.integer("type_vocab_size", default: 2, atMost: 1024),
                  layerNormEps: try reader.number("layer_norm_eps", default: 1e-12),
                  initializerRange: try reader.number("initializer_range", default: 0.02))
        if let activation = keys["hidden_act"], activation as? String != "gelu" {
            throw BertError.badConfigValue(path: path, key: "hidden_act", value: "\(activation)",
                                           expected: "\"gelu\" (BERT's exact erf GELU; other activations are not supported)")
        }
        if let positions = keys["position_embedding_type"], positions as? String != "absolute" {
            throw BertError.badConfigValue(path: path, key: "position_embedding_type", value: "\(positions)", expected: "\"absolute\"")
        }
        if hiddenSize % numAttentionHeads != 0 {
            throw BertError.badConfigValue(path: path, key: "num_attention_heads", value: "\(numAttentionHeads)",
                                           expected: "a divisor of hidden_size \(hiddenSize)")
        }
        guard let count = parameterCount, count <= Self.maxParameterCount else {
            throw BertError.configTooLarge(path: path, parameters: parameterCount, limit: Self.maxParameterCount)
        }
    }

    /// The most weights a config.json may ask for: 4 GB of float32, over twice XLM-R large.
    public static let maxParameterCount = 1_000_000_000

    /// The weights of the encoder with its pooler, or nil when the count overflows Int: the three embedding tables
    /// and their LayerNorm; per layer 4 attention projections, 2 feed-forward projections and 2 LayerNorms; the pooler.
    public var parameterCount: Int? {
        let (h, i, layers) = (hiddenSize, intermediateSize, numHiddenLayers)
        return sumOfProducts([
            [vocabSize, h], [maxPositionEmbeddings, h], [typeVocabSize, h], [2, h],
            [layers, 4, h, h], [layers, 4, h], [layers, 2, h, i], [layers, i], [layers, h], [layers, 4, h],
            [h, h], [h],
        ])
    }

    /// The config.json text Hugging Face's `BertModel.from_pretrained` reads.
    public func jsonData() -> Data {
        let keys: [String: Any] = [
            "architectures": ["BertModel"], "model_type": "bert", "hidden_act": hiddenAct,
            "position_embedding_type": "absolute", "pad_token_id": 0,
            "vocab_size": vocabSize, "hidden_size": hiddenSize, "num_hidden_layers": numHiddenLayers,
            "num_attention_heads": numAttentionHeads, "intermediate_size": intermediateSize,
            "hidden_dropout_prob": Double(hiddenDropoutProb), "attention_probs_dropout_prob": Double(attentionProbsDropoutProb),
            "max_position_embeddings": maxPositionEmbeddings, "type_vocab_size": typeVocabSize,
            "layer_norm_eps": Double(layerNormEps), "initializer_range": Double(initializerRange),
        ]
        // Only plain JSON values above, so serialization cannot fail.
        return (try? JSONSerialization.data(withJSONObject: keys, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    /// Writes `jsonData()` to `path`.
    public func write(toFile path: String) throws {
        do {
            try jsonData().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw BertError.unreadableFile(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}

/// The sum over `terms` of each one's product, or nil when any step overflows Int.
private func sumOfProducts(_ terms: [[Int]]) -> Int? {
    var sum = 0
    for factors in terms {
        var product = 1
        for factor in factors {
            let (next, overflow) = product.multipliedReportingOverflow(by: factor)
            guard !overflow else { return nil }
            product = next
        }
        let (next, overflow) = sum.addingReportingOverflow(product)
        guard !overflow else { return nil }
        sum = next
    }
    return sum
}

/// Typed access to config.json keys with errors naming the file and the key.
private struct ConfigReader {
    let keys: [String: Any]
    let path: String

    /// A size in 1...maximum; the bound is compared before conversion, so no value can overflow Int.
    func integer(_ key: String, default fallback: Int? = nil, atMost maximum: Int) throws -> Int {
        guard let value = keys[key] else {
            if let fallback { return fallback }
            throw BertError.missingConfigKey(path: path, key: key)
        }
        guard let number = JSONValue.number(value), number.doubleValue == number.doubleValue.rounded(),
              number.doubleValue > 0 else {
            throw BertError.badConfigValue(path: path, key: key, value: "\(value)", expected: "a positive integer")
        }
        guard number.doubleValue <= Double(maximum) else {
            throw BertError.badConfigValue(path: path, key: key, value: "\(value)", expected: "at most \(maximum)")
        }
        return number.intValue
    }

    func number(_ key: String, default fallback: Float) throws -> Float {
        guard let value = keys[key] else { return fallback }
        guard let number = JSONValue.number(value), number.doubleValue >= 0 else {
            throw BertError.badConfigValue(path: path, key: key, value: "\(value)", expected: "a non-negative number")
        }
        return number.floatValue
    }


    func probability(_ key: String, default fallback: Float) throws -> Float {
        let value = try number(key, default: fallback)
        guard value < 1 else {
            throw BertError.badConfigValue(path: path, key: key, value: "\(value)", expected: "a probability in [0, 1)")
        }
        return value
    }
}
