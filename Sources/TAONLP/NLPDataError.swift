/// Errors from TAONLP's data side: reading, converting and encoding text datasets. Every case names the file
/// (and the line, counted from 1, where there is one) and what was expected there.
public enum NLPDataError: Error, CustomStringConvertible, Equatable {
    /// A file or folder the dataset needs does not exist.
    case missingFile(path: String, expected: String)
    /// A file exists but cannot be read.
    case unreadableFile(path: String, reason: String)
    /// A line is not valid UTF-8.
    case badEncoding(path: String, line: Int)
    /// A line does not have the expected shape (fields, header, JSON).
    case badLine(path: String, line: Int, found: String, expected: String)
    /// A JSON file is not valid JSON or not shaped as expected.
    case badJSON(path: String, found: String, expected: String)
    /// A label is not one the dataset's label set allows.
    case badLabel(path: String, line: Int, label: String, expected: String)
    /// A label id is outside the label vocabulary.
    case labelOutOfRange(path: String, line: Int, id: Int, count: Int)
    /// A line has a different number of labels than its text line has words.
    case wordCountMismatch(path: String, line: Int, words: Int, labels: Int, textPath: String)
    /// Two files that go line by line together have different line counts.
    case lineCountMismatch(path: String, lines: Int, otherPath: String, otherLines: Int)
    /// A label vocabulary names the same label twice, or has no labels.
    case badLabelVocabulary(path: String, line: Int, reason: String)
    /// A dataset file holds no usable example.
    case emptyDataset(path: String)
    /// An output file or folder cannot be written.
    case cannotWrite(path: String, reason: String)
    /// An option value is unusable.
    case badOption(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .missingFile(path, expected):
            "\(path): no such file (expected \(expected))"
        case let .unreadableFile(path, reason):
            "\(path): cannot read (\(reason))"
        case let .badEncoding(path, line):
            "\(path):\(line): not valid UTF-8 (save the file as UTF-8)"
        case let .badLine(path, line, found, expected):
            "\(path):\(line): found '\(Self.clip(found))' (expected \(expected))"
        case let .badJSON(path, found, expected):
            "\(path): \(found) (expected \(expected))"
        case let .badLabel(path, line, label, expected):
            "\(path):\(line): unknown label '\(Self.clip(label))' (expected \(expected))"
        case let .labelOutOfRange(path, line, id, count):
            "\(path):\(line): label id \(id) is outside 0..<\(count) (use an id of the label dictionary)"
        case let .wordCountMismatch(path, line, words, labels, textPath):
            "\(path):\(line): \(labels) labels for the \(words) words of \(textPath):\(line) (give one label per word)"
        case let .lineCountMismatch(path, lines, otherPath, otherLines):
            "\(path): \(lines) lines but \(otherPath) has \(otherLines) (the files go line by line together)"
        case let .badLabelVocabulary(path, line, reason):
            "\(path):\(line): \(reason) (one label per line, each label once)"
        case let .emptyDataset(path):
            "\(path): no examples (check the path and the format)"
        case let .cannotWrite(path, reason):
            "\(path): cannot write (\(reason))"
        case let .badOption(name, value, expected):
            "\(name) = \(value): expected \(expected)"
        }
    }

    /// Long or multi-line text shortened so the message stays one line.
    static func clip(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: " ")
        return flat.count > 60 ? flat.prefix(57) + "..." : flat
    }
}
