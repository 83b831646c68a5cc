/// One subword piece of a word: its vocabulary id, its token text, and the Unicode scalars of the word it covers.
public struct WordPiece: Sendable, Equatable {
    public let id: Int
    /// The vocabulary token, with the continuation prefix (`##`) when it does not start the word.
    public let token: String
    /// The scalar range of the (normalized) word this piece covers; the whole word for `[UNK]`.
    public let scalars: Range<Int>
}

/// WordPiece: greedy longest-match-first splitting of one word into vocabulary tokens, the pieces
/// after the first carrying a continuation prefix (`##`). A word with no full split, or longer than
/// `maxCharactersPerWord` Unicode scalars, becomes one unknown token, as in Hugging Face.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: Vocabulary
    public let unknownToken: String
    public let unknownID: Int
    public let continuationPrefix: String
    public let maxCharactersPerWord: Int
    /// The longest token in scalars: no candidate longer than this can match, so the search starts there.
    private let longestToken: Int

    /// Throws `missingToken` when `unknownToken` is not in the vocabulary.
    public init(
        vocabulary: Vocabulary, unknownToken: String = "[UNK]", continuationPrefix: String = "##",
        maxCharactersPerWord: Int = 100
    ) throws {
        self.vocabulary = vocabulary
        self.unknownToken = unknownToken
        self.unknownID = try vocabulary.requiredID(of: unknownToken)
        self.continuationPrefix = continuationPrefix
        self.maxCharactersPerWord = maxCharactersPerWord
        self.longestToken = vocabulary.tokens.lazy.map { $0.unicodeScalars.count }.max() ?? 0
    }

    /// The piece tokens of one word, e.g. `"unaffable"` -> `["una", "##ffa", "##ble"]`.
    public func tokenize(_ word: String) -> [String] { pieces(of: word).map(\.token) }

    /// The pieces of one word (already normalized and free of whitespace and punctuation).
    public func pieces(of word: String) -> [WordPiece] {
        let scalars = Array(word.unicodeScalars)
        guard !scalars.isEmpty else { return [] }
        let unknown = [WordPiece(id: unknownID, token: unknownToken, scalars: 0..<scalars.count)]
        if scalars.count > maxCharactersPerWord { return unknown }

        // byteStart[i] = UTF-8 offset of scalar i, so that candidates are byte slices.
        var bytes: [UInt8] = []
        var byteStart: [Int] = []
        for scalar in scalars {
            byteStart.append(bytes.count)
            bytes.append(contentsOf: scalar.utf8)
        }
        byteStart.append(bytes.count)
        let prefix = Array(continuationPrefix.utf8)

        var pieces: [WordPiece] = []
        var start = 0
        while start < scalars.count {
            guard let piece = longestPiece(bytes, byteStart, from: start, prefix: start > 0 ? prefix : []) else {
                return unknown
            }
            pieces.append(piece)
            start = piece.scalars.upperBound
        }
        return pieces
    }

    /// The longest vocabulary token matching the word from scalar `start`, or nil if none does.
    private func longestPiece(_ bytes: [UInt8], _ byteStart: [Int], from start: Int, prefix: [UInt8]) -> WordPiece? {
        let count = byteStart.count - 1
        var end = min(count, start + longestToken)
        while end > start {
            let candidate = prefix + bytes[byteStart[start]..<byteStart[end]]
            if let id = vocabulary.id(utf8: candidate) {
                return WordPiece(id: id, token: vocabulary.tokens[id], scalars: start..<end)
            }
            end -= 1
        }
        return nil
    }
}
