import Foundation

/// A word-level token from `BasicTokenizer`, with where it came from in the original text.
public struct PreToken: Sendable, Equatable {
    /// The normalized text (cleaned, lowercased and accent-stripped when configured).
    public let text: String
    /// Unicode scalar offsets in the original text (as Python string indices).
    public let offsets: Range<Int>
    /// The whitespace-delimited word of the original text this token belongs to (0-based).
    public let wordIndex: Int
    /// Whether this is a never-split special token such as `[SEP]` found verbatim in the text.
    public let isSpecial: Bool
    /// For each scalar of `text`, the index of the original scalar it came from.
    let sources: [Int]

    /// Original offsets of the normalized scalars `range` of `text` (e.g. one WordPiece).
    func originalOffsets(ofScalars range: Range<Int>) -> Range<Int> {
        guard !range.isEmpty else { return offsets }
        return sources[range.lowerBound]..<(sources[range.upperBound - 1] + 1)
    }
}

/// BERT's word-level tokenizer, as Hugging Face's BertNormalizer + BertPreTokenizer:
/// drops NUL, U+FFFD and control/format characters, splits on whitespace, isolates CJK ideographs,
/// strips accents (NFD, then drops nonspacing marks) and lowercases when configured, and isolates
/// every punctuation character. Special tokens in `neverSplit` found verbatim in the text stay whole.
public struct BasicTokenizer: Sendable {
    /// Lowercase the text (uncased vocabularies).
    public let lowercase: Bool
    /// Strip accents; by default the same as `lowercase`, as in the original BERT.
    public let stripAccents: Bool
    /// Put each CJK ideograph in its own token.
    public let tokenizeCJK: Bool
    /// Tokens kept whole when they occur verbatim (case-sensitive) in the text, e.g. `[SEP]`.
    public let neverSplit: [String]
    private let neverSplitScalars: [[Unicode.Scalar]]

    /// A tokenizer with BERT's options; `stripAccents` nil follows `lowercase` (uncased vocabularies).
    public init(lowercase: Bool = true, stripAccents: Bool? = nil, tokenizeCJK: Bool = true, neverSplit: [String] = []) {
        self.lowercase = lowercase
        self.stripAccents = stripAccents ?? lowercase
        self.tokenizeCJK = tokenizeCJK
        self.neverSplit = neverSplit
        // Longest first, so that at one position the longest special token wins.
        self.neverSplitScalars = neverSplit.filter { !$0.isEmpty }.map { Array($0.unicodeScalars) }
            .sorted { $0.count > $1.count }
    }

    /// The normalized word-level tokens of `text`.
    public func tokenize(_ text: String) -> [String] { preTokens(text).map(\.text) }

    /// The word-level tokens of `text` with their offsets and word indices.
    public func preTokens(_ text: String) -> [PreToken] {
        let scalars = Array(text.unicodeScalars)
        var builder = PreTokenBuilder()
        var position = 0
        while position < scalars.count {
            if let special = specialToken(in: scalars, at: position) {
                builder.startWordIfNeeded()
                builder.emitSpecial(special, from: position)
                position += special.count
                continue
            }
            let scalar = scalars[position]
            defer { position += 1 }
            if BertCharacterClasses.isDropped(scalar) { continue }
            if BertCharacterClasses.isWhitespace(scalar) {
                builder.endWord()
                continue
            }
            builder.startWordIfNeeded()
            if tokenizeCJK && BertCharacterClasses.isCJKIdeograph(scalar) {
                builder.emitAlone(normalized(scalar), from: position)
            } else if scalar.isASCII {  // the common case, without the arrays of `normalized(_:)`
                builder.add(lowercase ? Self.asciiLowercased(scalar) : scalar, from: position)
            } else {
                for piece in normalized(scalar) { builder.add(piece, from: position) }
            }
        }
        builder.endWord()
        return builder.tokens
    }

    /// The special token that starts at `position`, if any.
    private func specialToken(in scalars: [Unicode.Scalar], at position: Int) -> [Unicode.Scalar]? {
        guard !neverSplitScalars.isEmpty else { return nil }
        for token in neverSplitScalars where position + token.count <= scalars.count {
            if scalars[position..<(position + token.count)].elementsEqual(token) { return token }
        }
        return nil
    }

    /// One original scalar after accent stripping and lowercasing (zero, one or more scalars).
    func normalized(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        if scalar.isASCII { return [lowercase ? Self.asciiLowercased(scalar) : scalar] }
        var scalars: [Unicode.Scalar] = [scalar]
        if stripAccents {
            scalars = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars
                .filter { !BertCharacterClasses.isNonspacingMark($0) }
        }
        if lowercase {
            scalars = scalars.flatMap { $0.properties.lowercaseMapping.unicodeScalars }
        }
        return scalars
    }

    private static func asciiLowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (65...90).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar
    }
}

/// Accumulates pre-tokens while `BasicTokenizer` walks the original scalars.
private struct PreTokenBuilder {
    var tokens: [PreToken] = []
    private var scalars = String.UnicodeScalarView()
    private var sources: [Int] = []
    private var wordIndex = -1
    private var inWord = false

    /// A non-space character starts a new word unless one is open.
    mutating func startWordIfNeeded() {
        if !inWord { wordIndex += 1; inWord = true }
    }

    mutating func endWord() {
        flush()
        inWord = false
    }

    /// Adds one normalized scalar from original scalar `source`: punctuation stands alone, anything
    /// else extends the current token.
    mutating func add(_ scalar: Unicode.Scalar, from source: Int) {
        if BertCharacterClasses.isPunctuation(scalar) {
            emitAlone([scalar], from: source)
        } else {
            scalars.append(scalar)
            sources.append(source)
        }
    }

    /// Emits `pieces`, all normalized from the original scalar `source`, as a token of their own.
    mutating func emitAlone(_ pieces: [Unicode.Scalar], from source: Int) {
        flush()
        guard !pieces.isEmpty else { return }
        tokens.append(PreToken(
            text: String(String.UnicodeScalarView(pieces)), offsets: source..<(source + 1), wordIndex: wordIndex,
            isSpecial: false, sources: Array(repeating: source, count: pieces.count)))
    }

    /// Emits a special token found verbatim at original scalars `source...`.
    mutating func emitSpecial(_ special: [Unicode.Scalar], from source: Int) {
        flush()
        let range = source..<(source + special.count)
        tokens.append(PreToken(
            text: String(String.UnicodeScalarView(special)), offsets: range, wordIndex: wordIndex,
            isSpecial: true, sources: Array(range)))
    }

    private mutating func flush() {
        guard let first = sources.first, let last = sources.last else { return }
        tokens.append(PreToken(
            text: String(scalars), offsets: first..<(last + 1), wordIndex: wordIndex,
            isSpecial: false, sources: sources))
        scalars = String.UnicodeScalarView()
        sources = []
    }
}
