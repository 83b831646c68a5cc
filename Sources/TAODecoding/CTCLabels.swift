/// The output labels of a CTC model and how they spell words.
///
/// Character labels: one label per character, `" "` separates words. Subword labels: a label
/// starting with `▁` starts a word (sentencepiece), or, when any label starts with `##`
/// (WordPiece), every label without `##` starts a word and `##` continues one. The blank is
/// the label at `blank` (by default the last, as NeMo puts it).
public struct CTCLabels: Sendable {
    /// How labels join into words.
    public enum Kind: Sendable { case characters, subwords }

    /// One label, ready for decoding.
    struct Token: Sendable {
        /// The characters the label adds to the current word (Unicode scalars), without markers.
        var scalars: [UInt32]
        /// The label starts a new word (subwords) or is the word separator (characters).
        var startsWord: Bool
        /// The label also ends its word (e.g. `▁⁇▁`).
        var endsWord: Bool
    }

    public let labels: [String]
    public let blank: Int
    public let kind: Kind
    let tokens: [Token]

    static let boundary = "▁"
    /// Special tokens of subword vocabularies that spell nothing (BERT's and SentencePiece's control pieces).
    static let silentSpecials: Set<String> = ["[PAD]", "[CLS]", "[SEP]", "[MASK]", "<s>", "</s>", "<pad>"]

    /// `labels` as the model outputs them; `blank` defaults to the last index; `kind` is detected
    /// (subwords when a label starts with `▁` or `##`) unless given.
    /// Throws when `labels` is empty or `blank` is not one of its indices.
    public init(_ labels: [String], blank: Int? = nil, kind: Kind? = nil) throws {
        guard !labels.isEmpty else { throw DecodingError.invalidOption(name: "labels", value: "[]", expected: "at least one label (the blank)") }
        self.labels = labels
        let blank = blank ?? labels.count - 1
        guard labels.indices.contains(blank) else {
            throw DecodingError.invalidOption(name: "blank", value: "\(blank)", expected: "an index below \(labels.count)")
        }
        self.blank = blank
        let wordPiece = labels.contains { $0.hasPrefix("##") }
        let detected: Kind = wordPiece || labels.contains { $0.hasPrefix(Self.boundary) } ? .subwords : .characters
        self.kind = kind ?? detected
        tokens = labels.enumerated().map { index, label in
            if index == blank { return Token(scalars: [], startsWord: false, endsWord: false) }
            if (kind ?? detected) == .characters {
                return label == " " ? Token(scalars: [], startsWord: true, endsWord: false)
                                    : Token(scalars: label.unicodeScalars.map(\.value), startsWord: false, endsWord: false)
            }
            var text = Substring(label)
            var starts = false, ends = false
            if Self.silentSpecials.contains(label) { return Token(scalars: [], startsWord: false, endsWord: false) }
            if ["[UNK]", "<unk>"].contains(label) {
                // an unknown piece is a word of its own, spelled as SentencePiece decodes it
                return Token(scalars: "⁇".unicodeScalars.map(\.value), startsWord: true, endsWord: true)
            }
            if wordPiece {
                if text.hasPrefix("##") { text = text.dropFirst(2) } else { starts = true }
            }
            if text.hasPrefix(Self.boundary) { text = text.dropFirst(); starts = true }
            if text.count > 0 && text.hasSuffix(Self.boundary) { text = text.dropLast(); ends = true }
            return Token(scalars: text.unicodeScalars.map(\.value), startsWord: starts, endsWord: ends)
        }
    }

    /// The number of labels, blank included (V of a `[T x V]` matrix).
    public var count: Int { labels.count }

    /// The words spelled by emitted labels with their frame spans (`start..<end`), joined as the labels say
    /// (`▁` or a non-`##` piece starts a word, a space separates character words).
    func words(_ spans: [(label: Int, start: Int, end: Int)], _ logProbs: LogProbabilities) -> [DecodedWord] {
        var words: [DecodedWord] = []
        var scalars = String.UnicodeScalarView()
        var start = -1, end = -1
        func finish() {
            if !scalars.isEmpty {
                words.append(DecodedWord(word: String(scalars), startFrame: start, endFrame: end, confidence: logProbs.confidence(start, end)))
            }
            scalars = String.UnicodeScalarView()
            start = -1
        }
        for span in spans where span.label != blank {
            let token = tokens[span.label]
            if token.startsWord { finish() }
            if !token.scalars.isEmpty {
                if start < 0 { start = span.start }
                scalars.append(contentsOf: token.scalars.compactMap(Unicode.Scalar.init))
                end = span.end
            }
            if token.endsWord { finish() }
        }
        finish()
        return words
    }
}
