import Foundation

/// token_classification data (DESIGN.md 5.2): `text_X.txt` (space-separated words, one sentence per line) with
/// `labels_X.txt` (one label per word, e.g. IOB tags), and the label vocabulary `label_ids.csv`.
public struct TokenClassificationData: Sendable, Equatable {
    /// One example per line: words and their label ids (`wordLabels[0]`).
    public var examples: [LabelledText]
    /// The labels the ids index.
    public var labels: LabelVocabulary

    public init(examples: [LabelledText], labels: LabelVocabulary) {
        self.examples = examples
        self.labels = labels
    }

    /// Reads a text file and its labels file. With `labels` (e.g. the training run's `label_ids.csv`), a label outside
    /// it is an error naming its line; without, the vocabulary is built from this data (`O` first, as NeMo does).
    /// Line pairs that are both blank are skipped.
    public static func read(textFile: String, labelsFile: String, labels: LabelVocabulary? = nil) throws
        -> TokenClassificationData {
        let pairs = try DataFile.pairedLines(
            text: textFile, labels: labelsFile, expectedLabels: "a labels file with one label per word")
        var sentences: [(words: [String], tags: [String])] = []
        var lineNumbers: [Int] = []
        for (index, pair) in pairs.enumerated() {
            let words = DataFile.words(pair.text), tags = DataFile.words(pair.labels)
            guard words.count == tags.count else {
                throw NLPDataError.wordCountMismatch(
                    path: labelsFile, line: index + 1, words: words.count, labels: tags.count, textPath: textFile)
            }
            if words.isEmpty { continue }
            sentences.append((words, tags))
            lineNumbers.append(index + 1)
        }
        guard !sentences.isEmpty else { throw NLPDataError.emptyDataset(path: textFile) }
        let vocabulary = labels ?? LabelVocabulary(building: sentences.lazy.flatMap(\.tags))
        var examples: [LabelledText] = []
        for (sentence, line) in zip(sentences, lineNumbers) {
            let ids = try sentence.tags.map { tag in
                guard let id = vocabulary.id(of: tag) else {
                    throw NLPDataError.badLabel(path: labelsFile, line: line, label: tag,
                                                expected: "one of the labels " + listed(vocabulary))
                }
                return id
            }
            examples.append(LabelledText(words: sentence.words, wordLabels: [ids]))
        }
        return TokenClassificationData(examples: examples, labels: vocabulary)
    }

    /// Reads `text_<split>.txt` and `labels_<split>.txt` of a data folder. The labels are `labels` if given, else the
    /// folder's `label_ids.csv` when present, else built from this split.
    public static func read(folder: String, split: String, labels: LabelVocabulary? = nil) throws -> TokenClassificationData {
        let labelFile = DataFile.path(folder, "label_ids.csv")
        let vocabulary = try labels ?? (FileManager.default.fileExists(atPath: labelFile) ? LabelVocabulary.read(labelFile) : nil)
        return try read(textFile: DataFile.path(folder, "text_\(split).txt"),
                        labelsFile: DataFile.path(folder, "labels_\(split).txt"), labels: vocabulary)
    }

    /// Writes the text and labels files (label names, one per word).
    public func write(textFile: String, labelsFile: String) throws {
        try DataFile.write(examples.map { $0.words.joined(separator: " ") }, to: textFile)
        try DataFile.write(examples.map { example in
            (example.wordLabels.first ?? []).map { labels.label(for: $0) ?? "O" }.joined(separator: " ")
        }, to: labelsFile)
    }
}

/// A label vocabulary for a message: its first labels, quoted.
func listed(_ vocabulary: LabelVocabulary, limit: Int = 8) -> String {
    let shown = vocabulary.labels.prefix(limit).map { "'\($0)'" }.joined(separator: ", ")
    return vocabulary.count > limit ? shown + ", ... (\(vocabulary.count) in all)" : shown
}
