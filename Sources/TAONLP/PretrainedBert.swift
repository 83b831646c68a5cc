import Foundation
import TAOTensor
import TAOText

/// A BERT encoder with its tokenizer, as a Hugging Face folder holds them (`config.json`, `model.safetensors`,
/// `vocab.txt`, optionally `tokenizer_config.json`), and the ways to make it smaller for shipping: cut the
/// vocabulary to the tokens a corpus uses, keep the first layers.
public struct PretrainedBert {
    public let model: BertModel
    public let tokenizer: BertTokenizer
    public var config: BertConfig { model.config }

    /// Pairs an encoder with its tokenizer (whose vocabulary must fit the encoder's embedding table).
    public init(model: BertModel, tokenizer: BertTokenizer) {
        precondition(tokenizer.vocabulary.count <= model.config.vocabSize,
                     "a vocabulary of \(tokenizer.vocabulary.count) tokens does not fit \(model.config.vocabSize) embeddings")
        self.model = model
        self.tokenizer = tokenizer
    }

    /// Loads a Hugging Face BERT folder: the config, the weights (names with or without `bert.`, float32/16) and
    /// the WordPiece vocabulary. Errors name the file and the key or tensor at fault.
    public static func load(folder: String) throws -> PretrainedBert {
        let config = try BertConfig(contentsOfFile: path(folder, "config.json"))
        let tokenizer = try BertTokenizer(folder: folder)
        if tokenizer.vocabulary.count > config.vocabSize {
            throw BertError.badConfigValue(path: path(folder, "config.json"), key: "vocab_size", value: "\(config.vocabSize)",
                                           expected: "at least the \(tokenizer.vocabulary.count) tokens of vocab.txt")
        }
        let weights = path(folder, "model.safetensors")
        let file = try BertCheckpoint.open(weights)
        let hasPooler = BertCheckpoint.modelNames(in: file)["pooler.dense.weight"] != nil
        var rng = RandomGenerator(seed: 0)
        let model = BertModel(config: config, pooler: hasPooler, rng: &rng)
        try BertCheckpoint.load(from: weights, into: model)
        return PretrainedBert(model: model, tokenizer: tokenizer)
    }

    /// Writes the folder `load(folder:)` reads (and Hugging Face's `BertModel.from_pretrained` too); with
    /// the weights stored as `storage` says (float16 halves the size, int8 quarters the matrices).
    public func save(to folder: String, storage: WeightStorage = .float32) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw BertError.unreadableFile(path: folder, reason: "cannot create: \(error.localizedDescription)")
        }
        try config.write(toFile: Self.path(folder, "config.json"))
        do {
            try SafetensorsFile.write(model.stateTensors(), storage: storage,
                                      to: URL(fileURLWithPath: Self.path(folder, "model.safetensors")))
            try tokenizer.vocabulary.write(toFile: Self.path(folder, "vocab.txt"))
        } catch {
            throw BertError.unreadableFile(path: folder, reason: "\(error)")
        }
        let basic = tokenizer.basicTokenizer
        let settings: [String: Any] = ["do_lower_case": basic.lowercase, "strip_accents": basic.stripAccents,
                                       "tokenize_chinese_chars": basic.tokenizeCJK, "unk_token": tokenizer.wordPiece.unknownToken,
                                       "cls_token": tokenizer.clsToken, "sep_token": tokenizer.sepToken,
                                       "pad_token": tokenizer.padToken, "tokenizer_class": "BertTokenizer"]
        let settingsPath = Self.path(folder, "tokenizer_config.json")
        do {
            let data = try JSONSerialization.data(withJSONObject: settings, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: settingsPath), options: .atomic)
        } catch {
            throw BertError.unreadableFile(path: settingsPath, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// The same encoder with a vocabulary cut to `ids` (old ids), plus the special tokens and, with
    /// `singleCharacters`, every single character and its `##` form (so unseen words still split instead of
    /// becoming `[UNK]`). Embedding rows follow their tokens; everything else is copied.
    public func keepingTokens(_ ids: Set<Int>, singleCharacters: Bool = true) throws -> PretrainedBert {
        let vocabulary = tokenizer.vocabulary
        var kept = ids.union(tokenizer.specialIDs).union([tokenizer.wordPiece.unknownID, tokenizer.clsID, tokenizer.sepID, tokenizer.padID])
        if singleCharacters { kept.formUnion(vocabulary.singleCharacterIDs(continuationPrefix: tokenizer.wordPiece.continuationPrefix)) }
        let (smaller, originalIDs) = vocabulary.subset(keeping: kept)
        let basic = tokenizer.basicTokenizer
        let newTokenizer = try BertTokenizer(
            vocabulary: smaller, lowercase: basic.lowercase, stripAccents: basic.stripAccents, tokenizeCJK: basic.tokenizeCJK,
            unknownToken: tokenizer.wordPiece.unknownToken, clsToken: tokenizer.clsToken, sepToken: tokenizer.sepToken,
            padToken: tokenizer.padToken)
        var newConfig = config
        newConfig.vocabSize = smaller.count
        let rows = originalIDs
        let copy = copied(config: newConfig) { name, source in
            name == "embeddings.word_embeddings.weight" ? withNoGrad { gatherRows(source, IndexTensor(rows)) } : source
        }
        return PretrainedBert(model: copy, tokenizer: newTokenizer)
    }

    /// The same encoder with only its first `count` layers (a smaller, faster model to fine-tune from).
    public func keepingLayers(_ count: Int) throws -> PretrainedBert {
        guard count >= 1 && count <= config.numHiddenLayers else {
            throw BertError.badOption(name: "layers", value: "\(count)", reason: "keep between 1 and \(config.numHiddenLayers) layers")
        }
        var newConfig = config
        newConfig.numHiddenLayers = count
        return PretrainedBert(model: copied(config: newConfig) { $1 }, tokenizer: tokenizer)
    }

    /// A new encoder of `config` whose every tensor is `transform(name, old tensor)` (same names; shapes must then fit).
    private func copied(config: BertConfig, _ transform: (String, Tensor) -> Tensor) -> BertModel {
        var rng = RandomGenerator(seed: 0)
        let copy = BertModel(config: config, pooler: model.pooler != nil, rng: &rng)
        let old = Dictionary(uniqueKeysWithValues: model.stateTensors())
        for (name, tensor) in copy.stateTensors() {
            if let source = old[name] { tensor.assign(transform(name, source)) }
        }
        return copy
    }

    private static func path(_ folder: String, _ file: String) -> String { (folder as NSString).appendingPathComponent(file) }
}
