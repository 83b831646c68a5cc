import Foundation

/// `dataset_convert` for the SNIPS 2017 NLU benchmark layout: one folder per intent holding `train_<Intent>_full.json`
/// and `validate_<Intent>.json`, each `{"<Intent>": [{"data": [{"text": "Add another "}, {"text": "song",
/// "entity": "music_item"}, ...]}, ...]}`, in UTF-8 or Latin-1. Entities become BIO slots (`B-music_item`, `I-music_item`).
public enum SNIPSConverter {
    /// Writes intent_slot_classification data into `target`: `train.tsv`/`train_slots.tsv` from the `train_*_full.json`
    /// files, `test.tsv`/`test_slots.tsv` from the `validate_*.json` files, `dict.intents.csv` (intents sorted) and
    /// `dict.slots.csv` (B-/I- slots sorted, `O` last). Files are found anywhere below `source`; unusable entries are skipped.
    public static func toIntentSlot(source: String, target: String) throws -> ConversionSummary {
        var summary = ConversionSummary()
        let files = try jsonFiles(below: source)
        var splits: [String: [(words: [String], slots: [String], intent: String)]] = ["train": [], "test": []]
        // The benchmark also ships a small `train_<Intent>.json`; the `_full` file is the training set.
        for (split, prefix, suffix) in [("train", "train_", "_full.json"), ("test", "validate_", ".json")] {
            for path in files {
                let name = (path as NSString).lastPathComponent
                guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { continue }
                splits[split, default: []] += try utterances(in: path, summary: &summary)
            }
        }
        let all = (splits["train"] ?? []) + (splits["test"] ?? [])
        guard !all.isEmpty else {
            throw NLPDataError.missingFile(
                path: source, expected: "a SNIPS folder with <Intent>/train_<Intent>_full.json and validate_<Intent>.json")
        }
        let intents = try LabelVocabulary(labels: Set(all.map(\.intent)).sorted())
        let slots = try LabelVocabulary(labels: Set(all.flatMap(\.slots)).subtracting(["O"]).sorted() + ["O"])
        for split in ["train", "test"] {
            let utterances = splits[split] ?? []
            let examples = utterances.map { utterance in
                LabelledText(words: utterance.words, sequenceLabel: intents.id(of: utterance.intent) ?? 0,
                             wordLabels: [utterance.slots.map { slots.id(of: $0) ?? 0 }])
            }
            try IntentSlotData(examples: examples, intents: intents, slots: slots).writeSplit(folder: target, split: split)
            summary.examples[split] = examples.count
            summary.wrote(DataFile.path(target, split + ".tsv"), count: examples.count)
            summary.wrote(DataFile.path(target, split + "_slots.tsv"), count: examples.count)
        }
        try intents.write(to: DataFile.path(target, "dict.intents.csv"))
        try slots.write(to: DataFile.path(target, "dict.slots.csv"))
        summary.wrote(DataFile.path(target, "dict.intents.csv"), count: intents.count)
        summary.wrote(DataFile.path(target, "dict.slots.csv"), count: slots.count)
        return summary
    }

    /// The words and BIO slots of one utterance's `data` chunks: words are whitespace-separated runs of the joined text;
    /// a word takes the entity of its first character inside an entity chunk, `B-` where that chunk starts, `I-` after.
    public static func wordsAndSlots(chunks: [(text: String, entity: String?)]) -> (words: [String], slots: [String]) {
        var characters: [(character: Character, entity: String?, chunk: Int)] = []
        for (index, chunk) in chunks.enumerated() {
            let entity = chunk.entity.flatMap { $0.isEmpty ? nil : $0 }
            for character in chunk.text { characters.append((character, entity, index)) }
        }
        var words: [String] = [], slots: [String] = []
        var word = "", wordEntity: (name: String, chunk: Int)? = nil, previousChunk: Int? = nil
        func finishWord() {
            guard !word.isEmpty else { return }
            words.append(word)
            if let wordEntity {
                slots.append((previousChunk == wordEntity.chunk ? "I-" : "B-") + wordEntity.name)
                previousChunk = wordEntity.chunk
            } else {
                slots.append("O")
                previousChunk = nil
            }
            word = ""
            wordEntity = nil
        }
        for item in characters {
            if item.character.isWhitespace { finishWord(); continue }
            word.append(item.character)
            if wordEntity == nil, let entity = item.entity { wordEntity = (entity, item.chunk) }
        }
        finishWord()
        return (words, slots)
    }

    /// The `(text, entity)` pairs of an entry's `data`, or nil when a chunk is not `{"text": String}` with an
    /// optional entity name.
    private static func chunks(of entry: Any) -> [(text: String, entity: String?)]? {
        guard let data = (entry as? [String: Any])?["data"] as? [Any] else { return nil }
        var chunks: [(text: String, entity: String?)] = []
        for item in data {
            guard let chunk = item as? [String: Any], let text = chunk["text"] as? String else { return nil }
            let entity = chunk["entity"]
            guard entity == nil || entity is NSNull || (entity as? String).map({ $0.isEmpty || isName($0) }) == true else { return nil }
            chunks.append((text, entity as? String))
        }
        return chunks
    }

    /// A usable intent or entity name: not empty, on one line (the label files hold one name per line).
    private static func isName(_ name: String) -> Bool {
        !name.trimmingCharacters(in: .whitespaces).isEmpty && !name.contains(where: \.isNewline) && !name.contains("\t")
    }

    /// Every `.json` file below `folder`, in path order.
    private static func jsonFiles(below folder: String) throws -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw NLPDataError.missingFile(path: folder, expected: "a SNIPS benchmark folder (one folder per intent)")
        }
        let names = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { DataFile.path(folder, $0) }
    }

    /// The utterances of one benchmark file.
    private static func utterances(in path: String, summary: inout ConversionSummary) throws
        -> [(words: [String], slots: [String], intent: String)] {
        let text = try DataFile.textUTF8OrLatin1(path, expected: "a SNIPS JSON file")
        let shape = "{\"<Intent>\": [{\"data\": [{\"text\": ..., \"entity\": ...}]}]}"
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            let position = (error as NSError).userInfo["NSDebugDescription"] as? String
            throw NLPDataError.badJSON(path: path, found: "not valid JSON" + (position.map { " (\($0))" } ?? ""), expected: shape)
        }
        guard let byIntent = object as? [String: Any], !byIntent.isEmpty else {
            throw NLPDataError.badJSON(path: path, found: "not a JSON object keyed by intent", expected: shape)
        }
        var result: [(words: [String], slots: [String], intent: String)] = []
        for intent in byIntent.keys.sorted() {
            guard let entries = byIntent[intent] as? [Any] else {
                throw NLPDataError.badJSON(path: path, found: "'\(intent)' does not hold a list", expected: shape)
            }
            guard isName(intent) else {
                summary.skip(path, line: 0, "intent '\(intent)': an intent name is one line of text, not empty; its \(entries.count) entries are skipped")
                continue
            }
            for (index, entry) in entries.enumerated() {
                guard let chunks = Self.chunks(of: entry) else {
                    summary.skip(path, line: 0, "\(intent) entry \(index + 1): 'data' must be a list of {\"text\": \"...\"} chunks, "
                                 + "each with an optional \"entity\" name")
                    continue
                }
                let (words, slots) = wordsAndSlots(chunks: chunks)
                guard !words.isEmpty else {
                    summary.skip(path, line: 0, "\(intent) entry \(index + 1): no words")
                    continue
                }
                result.append((words, slots, intent))
            }
        }
        return result
    }
}
