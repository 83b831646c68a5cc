/// Errors from TAOText. Each case carries the file, line or text a user needs to find the problem.
public enum TextError: Error, CustomStringConvertible, Equatable {
    /// A vocabulary file could not be read.
    case unreadableFile(path: String, reason: String)
    /// A vocabulary line is unusable (empty, or a token seen before).
    case badVocabularyLine(path: String, line: Int, reason: String)
    /// A token the tokenizer needs is missing from its vocabulary.
    case missingToken(token: String, vocabulary: String)
    /// A label set is unusable (empty, duplicate, or not single characters).
    case badLabels(reason: String)
    /// Text holds characters a character tokenizer has no label for.
    case unknownCharacters(text: String, characters: [Character])
    /// An id is outside the vocabulary or label set.
    case idOutOfRange(id: Int, count: Int)
    /// A line of a labelled data file is unusable (unknown label, or label and word counts differ).
    case badDataLine(path: String, line: Int, reason: String)
    /// A configuration file holds a key with an unusable value, or is not a JSON object.
    case badConfigValue(path: String, key: String, expected: String)
    /// An option value is unusable (e.g. a maximum length too small for the special tokens).
    case badOption(name: String, value: String, reason: String)
    /// A SentencePiece model file is missing or not a model.
    case badModelFile(path: String, reason: String)
    /// Training a subword vocabulary failed (SentencePiece's message, or an empty corpus).
    case trainingFailed(input: String, reason: String)
    /// SentencePiece could not encode or decode (its message).
    case sentencePieceFailed(model: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            "\(path): cannot read (\(reason))"
        case let .badVocabularyLine(path, line, reason):
            "\(path):\(line): \(reason) (one token per line, each token once)"
        case let .missingToken(token, vocabulary):
            "\(vocabulary): token '\(token)' is missing (add it to the vocabulary or choose another special token)"
        case let .badLabels(reason):
            "labels: \(reason) (give each character label once, blank excluded)"
        case let .unknownCharacters(text, characters):
            "'\(text.prefix(60))': no label for \(characters.map { "'\($0)'" }.joined(separator: ", ")) (normalize the text first or add the characters to the labels)"
        case let .idOutOfRange(id, count):
            "id \(id): outside 0..<\(count) (use ids from the same vocabulary)"
        case let .badDataLine(path, line, reason):
            "\(path):\(line): \(reason)"
        case let .badConfigValue(path, key, expected):
            "\(path): '\(key)' must be \(expected) (fix or remove the key)"
        case let .badOption(name, value, reason):
            "\(name) = \(value): \(reason)"
        case let .badModelFile(path, reason):
            "\(path): not a SentencePiece model (\(reason); give a tokenizer.model written by SentencePiece or tao create_tokenizer)"
        case let .trainingFailed(input, reason):
            "\(input): cannot train a tokenizer (\(reason))"
        case let .sentencePieceFailed(model, reason):
            "\(model): SentencePiece failed (\(reason))"
        }
    }
}
