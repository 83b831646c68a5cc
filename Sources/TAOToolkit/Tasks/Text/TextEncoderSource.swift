import Foundation
import TAONLP
import TAOTensor
import TAOText

/// Where a text model's BERT encoder comes from: `model.language_model` (a Hugging Face folder, optionally other
/// weights from `lm_checkpoint`, or a `config` for a randomly initialized encoder of any size) and `model.tokenizer`.
enum TextEncoderSource {
    /// Loads or builds the encoder with its tokenizer. Nothing is fetched: a name that is not a folder is looked
    /// up in `$TAO_HOME/pretrained/`, and otherwise reported.
    static func load(_ languageModel: LanguageModelSpec, tokenizer: TextTokenizerSpec, seed: UInt64) throws -> PretrainedBert {
        if let config = try languageModel.config ?? languageModel.configFile.map(readConfig) {
            return try randomEncoder(config: config, tokenizer: tokenizer, seed: seed)
        }
        let folder = try pretrainedFolder(languageModel.pretrainedModelName)
        var pretrained = try PretrainedBert.load(folder: folder)
        if let vocabulary = tokenizer.vocabFile {
            let other = try BertTokenizer(vocabularyFile: vocabulary)
            guard other.vocabulary.count <= pretrained.config.vocabSize else {
                throw SpecError.invalid(path: "model.tokenizer.vocab_file",
                                        reason: "\(vocabulary) has \(other.vocabulary.count) tokens, more than the encoder's \(pretrained.config.vocabSize) embeddings")
            }
            pretrained = PretrainedBert(model: pretrained.model, tokenizer: other)
        }
        if let checkpoint = languageModel.lmCheckpoint {
            try BertCheckpoint.load(from: checkpoint, into: pretrained.model)
        }
        return pretrained
    }

    /// `name` itself when it is a folder, else `$TAO_HOME/pretrained/<name>`.
    static func pretrainedFolder(_ name: String) throws -> String {
        let candidates = [name, TAOHome.url().appendingPathComponent("pretrained").appendingPathComponent(name).path]
        for candidate in candidates {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isFolder), isFolder.boolValue { return candidate }
        }
        throw SpecError.invalid(path: "model.language_model.pretrained_model_name",
                                reason: "'\(name)' is not a folder holding config.json, model.safetensors and vocab.txt, nor one in "
                                    + "\(candidates[1]) (tao downloads nothing at run time: give the path of a Hugging Face BERT folder; "
                                    + "`make setup` puts all-MiniLM-L6-v2 in pretrained/all-MiniLM-L6-v2)")
    }

    private static func readConfig(_ path: String) throws -> [String: ConfigValue] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SpecError.invalid(path: "model.language_model.config_file", reason: "'\(path)' is not a readable JSON object")
        }
        return object.compactMapValues { value in
            switch value {
            case let flag as Bool: .bool(flag)
            case let number as Int: .int(number)
            case let number as Double: .double(number)
            case let text as String: .string(text)
            default: nil
            }
        }
    }

    /// A randomly initialized encoder shaped by `config` (Hugging Face keys), with the vocabulary of `tokenizer.vocab_file`.
    private static func randomEncoder(config values: [String: ConfigValue], tokenizer: TextTokenizerSpec, seed: UInt64) throws -> PretrainedBert {
        guard let vocabularyFile = tokenizer.vocabFile else {
            throw SpecError.invalid(path: "model.tokenizer.vocab_file", reason: "a randomly initialized encoder (language_model.config) needs a WordPiece vocab.txt")
        }
        let wordPiece = try BertTokenizer(vocabularyFile: vocabularyFile)
        var object: [String: Any] = ["vocab_size": wordPiece.vocabulary.count]
        for (key, value) in values {
            switch value {
            case let .int(v): object[key] = v
            case let .double(v): object[key] = v
            case let .bool(v): object[key] = v
            case let .string(v): object[key] = v
            case .null: break
            }
        }
        let data = try JSONSerialization.data(withJSONObject: object)
        let config = try BertConfig(json: data, path: "model.language_model.config")
        var rng = RandomGenerator(seed: seed)
        return PretrainedBert(model: BertModel(config: config, pooler: true, rng: &rng), tokenizer: wordPiece)
    }
}
