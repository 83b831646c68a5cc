/// Errors of TAODecoding: malformed language-model files, bad corpora, invalid options.
/// Each description reads as one line: `<where>: <what> (<what to do>)`.
public enum DecodingError: Error, CustomStringConvertible, Equatable {
    /// A line of an ARPA file does not parse; `line` is 1-based.
    case malformedARPA(file: String, line: Int, reason: String)
    /// A binary model file is not one tao wrote, or is truncated.
    case malformedBinary(file: String, reason: String)
    /// A file cannot be opened, read or written.
    case io(file: String, reason: String)
    /// Text that is not valid UTF-8.
    case invalidUTF8(file: String, line: Int)
    /// A corpus line that cannot be used (e.g. it contains `<s>` or `</s>`); `line` is 1-based.
    case badCorpusLine(file: String, line: Int, reason: String)
    /// A corpus has no words to estimate from.
    case emptyCorpus(file: String)
    /// An estimation or decoding option is out of range.
    case invalidOption(name: String, value: String, expected: String)
    /// Counts-of-counts cannot give discounts (the corpus is too small or too regular) and fallback is off.
    case badDiscount(order: Int, reason: String)

    public var description: String {
        switch self {
        case let .malformedARPA(file, line, reason):
            "\(file):\(line): \(reason) (is this an ARPA file written by KenLM or SRILM?)"
        case let .malformedBinary(file, reason):
            "\(file): \(reason) (rebuild the binary model from its ARPA file)"
        case let .io(file, reason):
            "\(file): \(reason) (check the path and its permissions)"
        case let .invalidUTF8(file, line):
            "\(file):\(line): text is not valid UTF-8 (convert the file to UTF-8)"
        case let .badCorpusLine(file, line, reason):
            "\(file):\(line): \(reason) (remove it from the corpus)"
        case let .emptyCorpus(file):
            "\(file): the corpus has no words (give a text file with one sentence per line)"
        case let .invalidOption(name, value, expected):
            "\(name): '\(value)' is not valid (expected \(expected))"
        case let .badDiscount(order, reason):
            "\(order)-gram discounts: \(reason) (the corpus is too small or too regular; set discount_fallback)"
        }
    }
}
