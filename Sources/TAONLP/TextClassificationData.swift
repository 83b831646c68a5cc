import Foundation

/// text_classification data (DESIGN.md 5.2): `train.tsv` / `dev.tsv` lines `sentence<TAB>label`, integer labels
/// from 0, an optional `sentence<TAB>label` header.
public struct TextClassificationData: Sendable, Equatable {
    /// One example per data line: the sentence's words and its class id.
    public var examples: [LabelledText]
    /// The number of classes: the given count, or the largest label read plus one.
    public var classCount: Int

    public init(examples: [LabelledText], classCount: Int) {
        self.examples = examples
        self.classCount = classCount
    }

    /// Reads a `.tsv` file. With `classCount`, a label outside `0..<classCount` is an error naming its line.
    /// Blank lines are skipped; a first line whose label has no digit is taken as the header.
    public static func read(_ path: String, classCount: Int? = nil) throws -> TextClassificationData {
        let lines = try DataFile.lines(path, expected: "a text_classification file of 'sentence<TAB>label' lines")
        var examples: [LabelledText] = []
        var largest = -1
        for (index, line) in lines.enumerated() where !line.allSatisfy(\.isWhitespace) {
            guard let tab = line.lastIndex(of: "\t") else {
                throw NLPDataError.badLine(path: path, line: index + 1, found: line,
                                           expected: "'sentence<TAB>label' with a tab before the label")
            }
            let words = DataFile.words(line[..<tab])
            let field = line[line.index(after: tab)...].trimmingCharacters(in: .whitespaces)
            guard let label = Int(field), label >= 0 else {
                // The header ("sentence<TAB>label"); a number that is no class id (-1, 1.0) is an error, not a header.
                if index == 0 && !field.contains(where: \.isNumber) { continue }
                throw NLPDataError.badLabel(path: path, line: index + 1, label: field,
                                            expected: "an integer class id from 0")
            }
            if let classCount, label >= classCount {
                throw NLPDataError.labelOutOfRange(path: path, line: index + 1, id: label, count: classCount)
            }
            guard !words.isEmpty else {
                throw NLPDataError.badLine(path: path, line: index + 1, found: line,
                                           expected: "a sentence before the tab")
            }
            largest = max(largest, label)
            examples.append(LabelledText(words: words, sequenceLabel: label))
        }
        guard !examples.isEmpty else { throw NLPDataError.emptyDataset(path: path) }
        return TextClassificationData(examples: examples, classCount: classCount ?? largest + 1)
    }

    /// Reads `<split>.tsv` (`train`, `dev`) of a data folder.
    public static func read(folder: String, split: String, classCount: Int? = nil) throws -> TextClassificationData {
        try read(DataFile.path(folder, split + ".tsv"), classCount: classCount)
    }

    /// Writes `sentence<TAB>label` lines after a `sentence<TAB>label` header (examples without a label get none).
    public func write(to path: String) throws {
        let lines = examples.map { example in
            example.words.joined(separator: " ") + "\t" + (example.sequenceLabel.map(String.init) ?? "")
        }
        try DataFile.write(["sentence\tlabel"] + lines, to: path)
    }
}
