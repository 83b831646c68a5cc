import TAOText

/// punctuation_and_capitalization data (DESIGN.md 5.2): `text_X.txt` (lowercase words without punctuation) with
/// `labels_X.txt` (one two-character label per word: the mark after it, `O , . ?`, then `U` or `O`).
public struct PunctuationCapitalizationData: Sendable, Equatable {
    /// One example per line.
    public var examples: [PunctuationCapitalizationExample]

    /// The punctuation labels in id order (`O , . ?`; `O`, the pad label, first), NeMo's `punct_label_ids.csv`.
    public static let punctuationLabels = fixedVocabulary(PunctuationCapitalizationLabel.punctuationMarks.map(String.init))
    /// The capitalization labels in id order (`O U`), NeMo's `capit_label_ids.csv`.
    public static let capitalizationLabels = fixedVocabulary(["O", "U"])

    public init(examples: [PunctuationCapitalizationExample]) { self.examples = examples }

    /// Reads a text file and its labels file; a bad label or a word-count mismatch is an error naming file and line.
    /// Line pairs that are both blank are skipped.
    public static func read(textFile: String, labelsFile: String) throws -> PunctuationCapitalizationData {
        let pairs = try DataFile.pairedLines(
            text: textFile, labels: labelsFile, expectedLabels: "a labels file with one two-character label per word")
        var examples: [PunctuationCapitalizationExample] = []
        for (index, pair) in pairs.enumerated() {
            let words = DataFile.words(pair.text), fields = DataFile.words(pair.labels)
            guard words.count == fields.count else {
                throw NLPDataError.wordCountMismatch(
                    path: labelsFile, line: index + 1, words: words.count, labels: fields.count, textPath: textFile)
            }
            if words.isEmpty { continue }
            let labels = try fields.map { field in
                guard let label = PunctuationCapitalizationLabel(field) else {
                    throw NLPDataError.badLabel(
                        path: labelsFile, line: index + 1, label: field,
                        expected: "a mark (O , . ?) followed by U or O, e.g. 'OU' or ',O'")
                }
                return label
            }
            examples.append(PunctuationCapitalizationExample(words: words, labels: labels))
        }
        guard !examples.isEmpty else { throw NLPDataError.emptyDataset(path: textFile) }
        return PunctuationCapitalizationData(examples: examples)
    }

    /// Reads `text_<split>.txt` and `labels_<split>.txt` of a data folder.
    public static func read(folder: String, split: String) throws -> PunctuationCapitalizationData {
        try read(textFile: DataFile.path(folder, "text_\(split).txt"), labelsFile: DataFile.path(folder, "labels_\(split).txt"))
    }

    /// The examples as label ids for the two token heads: `wordLabels` = [punctuation ids, capitalization ids].
    public var labelledTexts: [LabelledText] { examples.map(Self.labelledText) }

    /// One example as label ids: [punctuation ids, capitalization ids].
    public static func labelledText(_ example: PunctuationCapitalizationExample) -> LabelledText {
        LabelledText(words: example.words, wordLabels: [example.labels.map(punctuationID), example.labels.map(capitalizationID)])
    }

    /// The punctuation id of a label (its mark's index in `punctuationLabels`).
    public static func punctuationID(_ label: PunctuationCapitalizationLabel) -> Int {
        PunctuationCapitalizationLabel.punctuationMarks.firstIndex(of: label.punctuation) ?? 0
    }

    /// The capitalization id of a label: 1 for `U`, 0 for `O`.
    public static func capitalizationID(_ label: PunctuationCapitalizationLabel) -> Int { label.capitalized ? 1 : 0 }

    /// The label of a punctuation id and a capitalization id (as a model predicts them); nil when out of range.
    public static func label(punctuation: Int, capitalization: Int) -> PunctuationCapitalizationLabel? {
        let marks = PunctuationCapitalizationLabel.punctuationMarks
        guard marks.indices.contains(punctuation), capitalization == 0 || capitalization == 1 else { return nil }
        return PunctuationCapitalizationLabel(punctuation: marks[punctuation], capitalized: capitalization == 1)
    }

    /// The words a model sees for a raw query: lowercased, punctuation removed, as in the training text
    /// (`"Well, Mr. Knightley?"` -> `well mr knightley`).
    public static func queryWords(_ text: String) -> [String] {
        PunctuationCapitalizationLabeler().example(from: text).words
    }

    /// Writes the text and labels files.
    public func write(textFile: String, labelsFile: String) throws {
        try DataFile.write(examples.map(\.textLine), to: textFile)
        try DataFile.write(examples.map(\.labelLine), to: labelsFile)
    }

    /// Writes `punct_label_ids.csv` and `capit_label_ids.csv` into `folder`, as NeMo does.
    public static func writeLabelFiles(folder: String) throws {
        try punctuationLabels.write(to: DataFile.path(folder, "punct_label_ids.csv"))
        try capitalizationLabels.write(to: DataFile.path(folder, "capit_label_ids.csv"))
    }

    private static func fixedVocabulary(_ labels: [String]) -> LabelVocabulary {
        LabelVocabulary(building: labels, padLabel: labels[0])
    }
}
