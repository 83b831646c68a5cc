import Foundation

extension BertTokenizer {
    /// The tokenizer of a Hugging Face BERT folder: `vocab.txt`, configured by `tokenizer_config.json` when
    /// present (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars` and the special tokens;
    /// Hugging Face's defaults otherwise). Errors name the file and the key.
    public init(folder: String) throws {
        let vocabulary = try Vocabulary(contentsOfFile: (folder as NSString).appendingPathComponent("vocab.txt"))
        let configPath = (folder as NSString).appendingPathComponent("tokenizer_config.json")
        var config = TokenizerConfig()
        if let data = FileManager.default.contents(atPath: configPath) {
            config = try TokenizerConfig.decode(data, path: configPath)
        }
        try self.init(
            vocabulary: vocabulary,
            lowercase: config.do_lower_case ?? true,
            stripAccents: config.strip_accents,
            tokenizeCJK: config.tokenize_chinese_chars ?? true,
            unknownToken: config.unk_token?.content ?? "[UNK]",
            clsToken: config.cls_token?.content ?? "[CLS]",
            sepToken: config.sep_token?.content ?? "[SEP]",
            padToken: config.pad_token?.content ?? "[PAD]",
            maskToken: config.mask_token?.content ?? "[MASK]")
    }
}

/// The keys of a `tokenizer_config.json` this tokenizer uses; others are ignored.
private struct TokenizerConfig: Decodable {
    var do_lower_case: Bool?
    var strip_accents: Bool?
    var tokenize_chinese_chars: Bool?
    var unk_token: SpecialToken?
    var cls_token: SpecialToken?
    var sep_token: SpecialToken?
    var pad_token: SpecialToken?
    var mask_token: SpecialToken?

    init() {}

    static func decode(_ data: Data, path: String) throws -> TokenizerConfig {
        do {
            return try JSONDecoder().decode(TokenizerConfig.self, from: data)
        } catch let DecodingError.typeMismatch(type, context) {
            throw TextError.badConfigValue(
                path: path, key: context.codingPath.map(\.stringValue).joined(separator: "."),
                expected: type == SpecialToken.self ? "a string or {\"content\": string}" : "\(type) or null")
        } catch {
            throw TextError.badConfigValue(path: path, key: "(file)", expected: "a JSON object")
        }
    }
}

/// A special token written as `"[UNK]"` or as `{"content": "[UNK]", ...}` (Hugging Face's AddedToken).
private struct SpecialToken: Decodable {
    let content: String

    private enum Keys: String, CodingKey { case content }

    init(from decoder: Decoder) throws {
        if let string = try? decoder.singleValueContainer().decode(String.self) {
            content = string
        } else if let object = try? decoder.container(keyedBy: Keys.self), let string = try? object.decode(String.self, forKey: .content) {
            content = string
        } else {
            throw DecodingError.typeMismatch(
                SpecialToken.self, .init(codingPath: decoder.codingPath, debugDescription: "not a token"))
        }
    }
}
