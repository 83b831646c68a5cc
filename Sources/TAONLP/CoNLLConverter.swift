/// `dataset_convert` for CoNLL-style NER files (WNUT-17, CoNLL-2003): one `token<TAB or space>...<TAB>tag` line per
/// token (first column the word, last column the tag), a blank line between sentences, `-DOCSTART-` lines skipped.
public enum CoNLLConverter {
    /// Writes token_classification data into `target`: for each `(file, split)`, `text_<split>.txt` and
    /// `labels_<split>.txt`, and `label_ids.csv` built from every tag seen (`O` first, the rest sorted, as NeMo does).
    /// A sentence with an unusable line (one column only) is skipped and listed in the summary.
    public static func toTokenClassification(files: [(file: String, split: String)], target: String) throws
        -> ConversionSummary {
        var summary = ConversionSummary()
        var splits: [(split: String, sentences: [(words: [String], tags: [String])])] = []
        for (file, split) in files {
            splits.append((split, try sentences(in: file, summary: &summary)))
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
            words.append(fields[0])
            tags.append(fields[fields.count - 1])
        }
        finish()
        return sentences
    }
}
