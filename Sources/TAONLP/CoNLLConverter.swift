/// `dataset_convert` for CoNLL-style NER files (WNUT-17, CoNLL-2003): one `token<TAB or space>...<TAB>tag` line per
/// token (first column the word, last column the tag), a blank line between sentences, `-DOCSTART-` lines skipped.
public enum CoNLLConverter {
    /// Writes token_classification data into `target`: for each split, `text_<split>.txt` and `labels_<split>.txt`
    /// holding the sentences of all its files in order, and `label_ids.csv` built from every tag seen (`O` first, the
    /// rest sorted, as NeMo does). A sentence with an unusable line (one column only, or a last column that is no
    /// IOB tag, as in a notes file) is skipped and listed in the summary.
    public static func toTokenClassification(files: [(file: String, split: String)], target: String) throws
        -> ConversionSummary {
        var summary = ConversionSummary()
        var splits: [(split: String, sentences: [(words: [String], tags: [String])])] = []
        for (file, split) in files {
            let found = try sentences(in: file, summary: &summary)
            if let index = splits.firstIndex(where: { $0.split == split }) {
                splits[index].sentences += found
            } else {
                splits.append((split, found))
            }
        }
        let labels = LabelVocabulary(building: splits.lazy.flatMap(\.sentences).flatMap(\.tags))
        for (split, sentences) in splits {
            let examples = sentences.map { sentence in
                LabelledText(words: sentence.words, wordLabels: [sentence.tags.map { labels.id(of: $0) ?? 0 }])
            }
            let textFile = DataFile.path(target, "text_\(split).txt"), labelsFile = DataFile.path(target, "labels_\(split).txt")
            try TokenClassificationData(examples: examples, labels: labels).write(textFile: textFile, labelsFile: labelsFile)
            summary.examples[split] = examples.count
            summary.wrote(textFile, count: examples.count)
            summary.wrote(labelsFile, count: examples.count)
        }
        try labels.write(to: DataFile.path(target, "label_ids.csv"))
        summary.wrote(DataFile.path(target, "label_ids.csv"), count: labels.count)
        return summary
    }

    /// The sentences of one CoNLL file.
    static func sentences(in path: String, summary: inout ConversionSummary) throws
        -> [(words: [String], tags: [String])] {
        let lines = try DataFile.lines(path, expected: "a CoNLL file of 'token<TAB>tag' lines, blank between sentences")
        var sentences: [(words: [String], tags: [String])] = []
        var words: [String] = [], tags: [String] = [], bad: (line: Int, reason: String)? = nil
        func finish() {
            if let bad {
                summary.skip(path, line: bad.line, bad.reason + "; its sentence is skipped")
            } else if !words.isEmpty {
                sentences.append((words, tags))
            }
            words = []; tags = []; bad = nil
        }
        for (index, line) in lines.enumerated() {
            let fields = DataFile.words(line)
            if fields.isEmpty { finish(); continue }
            if fields[0] == "-DOCSTART-" { finish(); continue }
            guard fields.count >= 2 else {
                if bad == nil { bad = (index + 1, "'\(NLPDataError.clip(line))' has no tag column") }
                continue
            }
            let tag = fields[fields.count - 1]
            guard isTag(tag) else {
                if bad == nil { bad = (index + 1, "'\(NLPDataError.clip(tag))' is not an IOB tag (O, B-type, I-type)") }
                continue
            }
            words.append(fields[0])
            tags.append(tag)
        }
        finish()
        return sentences
    }

    /// `O`, or a tag with an IOB/IOBES prefix (`B-`, `I-`, `E-`, `S-`, `L-`, `U-`) and a type.
    static func isTag(_ tag: String) -> Bool {
        tag == "O" || (tag.count > 2 && "BIESLU".contains(tag.first ?? " ") && tag.dropFirst().first == "-")
    }
}
