import Foundation

/// intent_slot_classification data (DESIGN.md 5.2): `dict.intents.csv` and `dict.slots.csv` (one name per line,
/// id = line index, `O` last among slots), `X.tsv` (header `sentence<TAB>label`, intent ids) and `X_slots.tsv`
/// (one slot id per word, line by line with `X.tsv`'s data lines).
public struct IntentSlotData: Sendable, Equatable {
    /// One example per data line: words, intent id (`sequenceLabel`) and slot ids (`wordLabels[0]`).
    public var examples: [LabelledText]
    public var intents: LabelVocabulary
    public var slots: LabelVocabulary

    public init(examples: [LabelledText], intents: LabelVocabulary, slots: LabelVocabulary) {
        self.examples = examples
        self.intents = intents
        self.slots = slots
    }

    /// Reads split `split` (e.g. `train`, `test`) of a data folder: `dict.intents.csv`, `dict.slots.csv`,
    /// `<split>.tsv` and `<split>_slots.tsv`.
    public static func read(folder: String, split: String) throws -> IntentSlotData {
        let intents = try LabelVocabulary.read(DataFile.path(folder, "dict.intents.csv"))
        let slots = try LabelVocabulary.read(DataFile.path(folder, "dict.slots.csv"))
        return try read(dataFile: DataFile.path(folder, split + ".tsv"),
                        slotsFile: DataFile.path(folder, split + "_slots.tsv"), intents: intents, slots: slots)
    }

    /// Reads a `.tsv` file and its `_slots.tsv` file against the given dictionaries; ids outside them, word-count
    /// mismatches and malformed lines are errors naming file and line.
    public static func read(dataFile: String, slotsFile: String, intents: LabelVocabulary,
                            slots: LabelVocabulary) throws -> IntentSlotData {
        var data = try DataFile.lines(dataFile, expected: "an intent file of 'sentence<TAB>label' lines")
        var dataLineOffset = 0
        if let first = data.first, let tab = first.lastIndex(of: "\t"),
           Int(first[first.index(after: tab)...].trimmingCharacters(in: .whitespaces)) == nil {
            data.removeFirst()  // the `sentence<TAB>label` header
            dataLineOffset = 1
        }
        var slotLines = try DataFile.lines(slotsFile, expected: "a slots file with one slot id per word")
        while data.last?.allSatisfy(\.isWhitespace) == true { data.removeLast() }
        while slotLines.last?.allSatisfy(\.isWhitespace) == true { slotLines.removeLast() }
        guard data.count == slotLines.count else {
            throw NLPDataError.lineCountMismatch(
                path: slotsFile, lines: slotLines.count, otherPath: dataFile + " (without its header)",
                otherLines: data.count)
        }
        var examples: [LabelledText] = []
        for (index, (line, slotLine)) in zip(data, slotLines).enumerated() {
            let dataLine = index + 1 + dataLineOffset, slotsLine = index + 1
            guard let tab = line.lastIndex(of: "\t") else {
                throw NLPDataError.badLine(path: dataFile, line: dataLine, found: line,
                                           expected: "'sentence<TAB>intent id'")
            }
            let words = DataFile.words(line[..<tab])
            let field = line[line.index(after: tab)...].trimmingCharacters(in: .whitespaces)
            guard !words.isEmpty else {
                throw NLPDataError.badLine(path: dataFile, line: dataLine, found: line, expected: "a sentence before the tab")
            }
            let intent = try id(field, in: intents, path: dataFile, line: dataLine, what: "an intent id")
            let slotFields = DataFile.words(slotLine)
            guard slotFields.count == words.count else {
                throw NLPDataError.wordCountMismatch(
                    path: slotsFile, line: slotsLine, words: words.count, labels: slotFields.count,
                    textPath: "\(dataFile):\(dataLine)")
            }
            let slotIDs = try slotFields.map { try id($0, in: slots, path: slotsFile, line: slotsLine, what: "a slot id") }
            examples.append(LabelledText(words: words, sequenceLabel: intent, wordLabels: [slotIDs]))
        }
        guard !examples.isEmpty else { throw NLPDataError.emptyDataset(path: dataFile) }
        return IntentSlotData(examples: examples, intents: intents, slots: slots)
    }

    /// Writes `dict.intents.csv`, `dict.slots.csv`, `<split>.tsv` (with its header) and `<split>_slots.tsv` into `folder`.
    public func write(folder: String, split: String) throws {
        try intents.write(to: DataFile.path(folder, "dict.intents.csv"))
        try slots.write(to: DataFile.path(folder, "dict.slots.csv"))
        try writeSplit(folder: folder, split: split)
    }

    /// Writes only `<split>.tsv` and `<split>_slots.tsv` (the dictionaries shared by several splits are written once).
    public func writeSplit(folder: String, split: String) throws {
        let sentences = examples.map { "\($0.words.joined(separator: " "))\t\($0.sequenceLabel ?? 0)" }
        try DataFile.write(["sentence\tlabel"] + sentences, to: DataFile.path(folder, split + ".tsv"))
        try DataFile.write(examples.map { ($0.wordLabels.first ?? []).map(String.init).joined(separator: " ") },
                           to: DataFile.path(folder, split + "_slots.tsv"))
    }

    private static func id(_ field: String, in vocabulary: LabelVocabulary, path: String, line: Int,
                           what: String) throws -> Int {
        guard let id = Int(field) else {
            throw NLPDataError.badLabel(path: path, line: line, label: field,
                                        expected: "\(what) (an integer line index of its dictionary)")
        }
        guard vocabulary.labels.indices.contains(id) else {
            throw NLPDataError.labelOutOfRange(path: path, line: line, id: id, count: vocabulary.count)
        }
        return id
    }
}
