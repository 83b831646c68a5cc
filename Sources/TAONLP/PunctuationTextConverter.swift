import TAOTensor
import TAOText

/// `dataset_convert` for punctuation_and_capitalization: raw punctuated text (books, articles: paragraphs separated by
/// blank lines) becomes lowercase words without punctuation with two-character labels (TAOText's
/// `PunctuationCapitalizationLabeler`: `!` counts as `.`, `;` and `:` as `,`; quotes, brackets and dashes are dropped).
public enum PunctuationTextConverter {
    public struct Options: Sendable {
        /// The most words in one example; paragraphs are cut after a sentence end so that examples stay under it.
        public var maxWords: Int = 64
        /// One sentence per example (still cut at `maxWords`) instead of packing sentences up to `maxWords`.
        public var oneSentencePerExample: Bool = false
        /// The training split gets an example starting at every sentence of its paragraphs (packed up to `maxWords`,
        /// or one sentence each with `oneSentencePerExample`) instead of consecutive pieces, so each sentence is seen in
        /// several contexts; dev and test are unchanged.
        public var sentenceWindows: Bool = false
        /// The fraction of the training examples held out, at random, as the `dev` split (0 for none).
        public var devFraction: Double = 0.1
        /// Seed of the dev split's draw.
        public var seed: UInt64 = 0
        public init() {}
    }

    /// Writes `text_<split>.txt` / `labels_<split>.txt` for `train`, `dev` (drawn from the train files' examples) and,
    /// when `test` files are given, `test`; plus `punct_label_ids.csv` and `capit_label_ids.csv`. Headings (paragraphs
    /// without a lower-case letter, such as `CHAPTER 1`) and fragments of under four words that do not end a sentence
    /// (bylines) are skipped and listed in the summary; a Project Gutenberg header and footer are removed.
    public static func toPunctuationCapitalization(
        train: [String], test: [String] = [], target: String, options: Options = Options()
    ) throws -> ConversionSummary {
        guard options.maxWords >= 1 else {
            throw NLPDataError.badOption(name: "max_words", value: "\(options.maxWords)", expected: "at least 1")
        }
        guard options.devFraction >= 0, options.devFraction < 1 else {
            throw NLPDataError.badOption(name: "dev_split", value: "\(options.devFraction)", expected: "a fraction in [0, 1)")
        }
        var summary = ConversionSummary()
        var trainParagraphs: [[PunctuationCapitalizationExample]] = [], testExamples: [PunctuationCapitalizationExample] = []
        for path in train { trainParagraphs += try paragraphExamples(inFile: path, options: options, summary: &summary) }
        for path in test { testExamples += try paragraphExamples(inFile: path, options: options, summary: &summary).joined() }
        let trainExamples = Array(trainParagraphs.joined())
        guard !trainExamples.isEmpty else { throw NLPDataError.emptyDataset(path: train.first ?? target) }

        var generator = RandomGenerator(seed: options.seed)
        var order = Array(trainExamples.indices)
        order.shuffle(using: &generator)
        let devCount = Int((Double(trainExamples.count) * options.devFraction).rounded())
        let devIndices = Set(order.prefix(devCount))
        let training = options.sentenceWindows
            ? windows(trainParagraphs, leavingOut: devIndices, maxWords: options.maxWords,
                      atEverySentence: options.oneSentencePerExample)
            : trainExamples.indices.filter { !devIndices.contains($0) }.map { trainExamples[$0] }
        var splits: [(String, [PunctuationCapitalizationExample])] = [("train", training)]
        if devCount > 0 { splits.append(("dev", trainExamples.indices.filter(devIndices.contains).map { trainExamples[$0] })) }
        if !test.isEmpty { splits.append(("test", testExamples)) }
        for (split, examples) in splits {
            let textFile = DataFile.path(target, "text_\(split).txt"), labelsFile = DataFile.path(target, "labels_\(split).txt")
            try PunctuationCapitalizationData(examples: examples).write(textFile: textFile, labelsFile: labelsFile)
            summary.examples[split] = examples.count
            summary.wrote(textFile, count: examples.count)
            summary.wrote(labelsFile, count: examples.count)
        }
        try PunctuationCapitalizationData.writeLabelFiles(folder: target)
        summary.wrote(DataFile.path(target, "punct_label_ids.csv"), count: PunctuationCapitalizationData.punctuationLabels.count)
        summary.wrote(DataFile.path(target, "capit_label_ids.csv"), count: PunctuationCapitalizationData.capitalizationLabels.count)
        return summary
    }

    /// The examples of one raw text file, grouped by paragraph.
    static func paragraphExamples(inFile path: String, options: Options, summary: inout ConversionSummary) throws
        -> [[PunctuationCapitalizationExample]] {
        let lines = try DataFile.lines(path, expected: "a raw text file with punctuation")
        let labeler = PunctuationCapitalizationLabeler()
        var examples: [[PunctuationCapitalizationExample]] = []
        for (line, paragraph) in paragraphs(withoutGutenbergFrame: lines) {
            let all = labeler.example(from: paragraph)
            guard !all.words.isEmpty else { continue }
            if !paragraph.contains(where: \.isLowercase) {
                summary.skip(path, line: line, "heading '\(NLPDataError.clip(paragraph))' has no lower-case letter")
                continue
            }
            if all.words.count < 4, let last = all.labels.last, last.punctuation != ".", last.punctuation != "?" {
                summary.skip(path, line: line, "fragment '\(NLPDataError.clip(paragraph))' is not a sentence")
                continue
            }
            examples.append(cut(all, maxWords: options.maxWords, atEverySentence: options.oneSentencePerExample))
        }
        return examples
    }

    /// Training examples starting at every sentence: each run of consecutive pieces of a paragraph that are not in
    /// `left` (indices into the paragraphs' pieces in order, the dev split) is joined again and cut, from each of its
    /// sentence starts, into one piece as `cut` makes them.
    static func windows(_ paragraphs: [[PunctuationCapitalizationExample]], leavingOut left: Set<Int>, maxWords: Int,
                        atEverySentence: Bool = false) -> [PunctuationCapitalizationExample] {
        var result: [PunctuationCapitalizationExample] = []
        var index = 0
        for pieces in paragraphs {
            var words: [String] = [], labels: [PunctuationCapitalizationLabel] = []
            for (offset, piece) in pieces.enumerated() {
                if !left.contains(index + offset) {
                    words += piece.words
                    labels += piece.labels
                }
                let runEnds = offset + 1 == pieces.count || left.contains(index + offset + 1)
                if runEnds, !words.isEmpty {
                    let run = PunctuationCapitalizationExample(words: words, labels: labels)
                    result += windows(of: run, maxWords: maxWords, atEverySentence: atEverySentence)
                    words = []
                    labels = []
                }
            }
            index += pieces.count
        }
        return result
    }

    /// One piece from each sentence start of `run` (its first word, and each word after a sentence end), and after
    /// each piece cut inside a sentence longer than `maxWords`, so that every word is in some piece.
    private static func windows(of run: PunctuationCapitalizationExample, maxWords: Int, atEverySentence: Bool)
        -> [PunctuationCapitalizationExample] {
        var result: [PunctuationCapitalizationExample] = []
        var start = 0
        while start < run.words.count {
            // One word past the limit, so that `cut` sees a full piece rather than the end of the run.
            let end = min(start + maxWords + 1, run.words.count)
            let rest = PunctuationCapitalizationExample(words: Array(run.words[start..<end]),
                                                        labels: Array(run.labels[start..<end]))
            guard let piece = cut(rest, maxWords: maxWords, atEverySentence: atEverySentence).first else { break }
            result.append(piece)
            if endsSentence(run, at: start + piece.words.count - 1),
               let sentenceEnd = (start..<run.words.count).first(where: { endsSentence(run, at: $0) }) {
                start = sentenceEnd + 1
            } else {
                start += piece.words.count
            }
        }
        return result
    }

    /// Titles written with a period that does not end the sentence (`Mr. Darcy`): a piece is never cut after them.
    static let titles: Set<String> = [
        "mr", "mrs", "ms", "messrs", "dr", "st", "rev", "col", "capt", "gen", "prof", "hon", "lt", "sgt",
    ]

    /// Whether word `index` ends a sentence: it is followed by `?`, or by `.` and is not a title.
    static func endsSentence(_ example: PunctuationCapitalizationExample, at index: Int) -> Bool {
        let mark = example.labels[index].punctuation
        return mark == "?" || (mark == "." && !titles.contains(example.words[index]))
    }

    /// Cuts a paragraph after sentence ends (`.` or `?`, not after a title) into pieces of at most `maxWords` words:
    /// after every sentence, or after the last sentence end that keeps a piece under the limit (a sentence longer than
    /// that is cut at the limit).
    static func cut(_ paragraph: PunctuationCapitalizationExample, maxWords: Int, atEverySentence: Bool)
        -> [PunctuationCapitalizationExample] {
        var pieces: [PunctuationCapitalizationExample] = []
        var start = 0, lastSentenceEnd: Int? = nil
        let count = paragraph.words.count
        for index in 0..<count {
            let sentenceEnds = endsSentence(paragraph, at: index)
            if sentenceEnds { lastSentenceEnd = index + 1 }
            let full = index + 1 - start == maxWords
            guard index + 1 == count || full || (atEverySentence && sentenceEnds) else { continue }
            let end = (index + 1 == count || (atEverySentence && sentenceEnds)) ? index + 1 : (lastSentenceEnd ?? index + 1)
            pieces.append(PunctuationCapitalizationExample(
                words: Array(paragraph.words[start..<end]), labels: Array(paragraph.labels[start..<end])))
            start = end
            lastSentenceEnd = nil
        }
        return pieces
    }

    /// Paragraphs (runs of non-blank lines joined by spaces) with the line each starts on, inside the
    /// `*** START OF ...` / `*** END OF ...` markers of a Project Gutenberg file when it has them.
    static func paragraphs(withoutGutenbergFrame lines: [String]) -> [(line: Int, text: String)] {
        var first = 0, last = lines.count
        if let start = lines.firstIndex(where: { $0.hasPrefix("*** START OF") }) { first = start + 1 }
        if let end = lines.lastIndex(where: { $0.hasPrefix("*** END OF") }), end >= first { last = end }
        var paragraphs: [(line: Int, text: String)] = []
        var current: [String] = [], startLine = 0
        for index in first..<last {
            let line = lines[index]
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { paragraphs.append((startLine, current.joined(separator: " "))); current = [] }
            } else {
                if current.isEmpty { startLine = index + 1 }
                current.append(line)
            }
        }
        if !current.isEmpty { paragraphs.append((startLine, current.joined(separator: " "))) }
        return paragraphs
    }
}
