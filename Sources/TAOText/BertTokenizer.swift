/// One WordPiece of a text, with where it came from.
public struct BertPiece: Sendable, Equatable {
    /// Vocabulary id.
    public let id: Int
    /// Vocabulary token (`##` marks a piece that continues a word).
    public let token: String
    /// Unicode scalar offsets in the text (Python string indices, as Hugging Face's `offset_mapping`).
    public let offsets: Range<Int>
    /// The whitespace-delimited word of the text the piece belongs to (what word-level labels index).
    public let wordIndex: Int
    /// The pre-token (word after punctuation splitting) it belongs to: Hugging Face's `word_ids()`.
    public let preTokenIndex: Int
}

/// BERT's WordPiece tokenizer, as Hugging Face `BertTokenizer` (`tokenizers`' BertNormalizer,
/// BertPreTokenizer, WordPiece and the `[CLS] A [SEP] B [SEP]` template): text to ids with token type
/// ids, attention mask, truncation, padding, and a map from every piece to its word and offsets.
public struct BertTokenizer: Sendable {
    public let vocabulary: Vocabulary
    /// Cleaning, normalization and splitting into words and punctuation.
    public let basicTokenizer: BasicTokenizer
    /// Splitting of each word into vocabulary pieces.
    public let wordPiece: WordPieceTokenizer
    /// The special tokens the encodings use, and their ids.
    public let clsToken: String, sepToken: String, padToken: String
    public let clsID: Int, sepID: Int, padID: Int
    /// Special tokens the vocabulary holds; ids of these are dropped by `decode(_:skippingSpecialTokens:)`.
    public let specialIDs: Set<Int>

    /// A tokenizer over `vocabulary`. `lowercase` and `stripAccents` (default: same as `lowercase`)
    /// select uncased or cased behaviour. Throws `missingToken` when the unknown, CLS, SEP or PAD token is absent.
    public init(
        vocabulary: Vocabulary, lowercase: Bool = true, stripAccents: Bool? = nil, tokenizeCJK: Bool = true,
        unknownToken: String = "[UNK]", clsToken: String = "[CLS]", sepToken: String = "[SEP]",
        padToken: String = "[PAD]", maskToken: String = "[MASK]"
    ) throws {
        self.vocabulary = vocabulary
        self.wordPiece = try WordPieceTokenizer(vocabulary: vocabulary, unknownToken: unknownToken)
        self.clsToken = clsToken
        self.sepToken = sepToken
        self.padToken = padToken
        clsID = try vocabulary.requiredID(of: clsToken)
        sepID = try vocabulary.requiredID(of: sepToken)
        padID = try vocabulary.requiredID(of: padToken)
        let specials = [padToken, unknownToken, clsToken, sepToken, maskToken].filter(vocabulary.contains)
        specialIDs = Set(specials.compactMap(vocabulary.id(of:)))
        basicTokenizer = BasicTokenizer(
            lowercase: lowercase, stripAccents: stripAccents, tokenizeCJK: tokenizeCJK, neverSplit: specials)
    }

    /// A tokenizer reading a `vocab.txt` (one token per line); see `init(vocabulary:...)`.
    public init(vocabularyFile path: String, lowercase: Bool = true, stripAccents: Bool? = nil) throws {
        try self.init(vocabulary: Vocabulary(contentsOfFile: path), lowercase: lowercase, stripAccents: stripAccents)
    }

    /// The WordPiece tokens of `text`, without special tokens.
    public func tokenize(_ text: String) -> [String] { pieces(text).map(\.token) }

    /// The WordPieces of `text` with offsets and word indices, without `[CLS]`/`[SEP]`.
    public func pieces(_ text: String) -> [BertPiece] {
        var pieces: [BertPiece] = []
        for (index, preToken) in basicTokenizer.preTokens(text).enumerated() {
            if preToken.isSpecial, let id = vocabulary.id(of: preToken.text) {
                pieces.append(BertPiece(
                    id: id, token: preToken.text, offsets: preToken.offsets,
                    wordIndex: preToken.wordIndex, preTokenIndex: index))
                continue
            }
            for piece in wordPiece.pieces(of: preToken.text) {
                pieces.append(BertPiece(
                    id: piece.id, token: piece.token, offsets: preToken.originalOffsets(ofScalars: piece.scalars),
                    wordIndex: preToken.wordIndex, preTokenIndex: index))
            }
        }
        return pieces
    }

    /// `[CLS] text [SEP]`. With `maxLength` (in positions, special tokens included) the pieces are
    /// truncated at the end to fit; with `padToMaxLength` the encoding is padded to `maxLength`.
    public func encode(_ text: String, maxLength: Int? = nil, padToMaxLength: Bool = false) throws -> BertEncoding {
        try encode(pieces: pieces(text), maxLength: maxLength, padToMaxLength: padToMaxLength)
    }

    /// `[CLS] words [SEP]` for text already split into words (a line of `text_train.txt`): word `i` of the
    /// encoding is `words[i]` even when a word yields no pieces, and offsets count in `words` joined by single spaces.
    public func encode(words: [String], maxLength: Int? = nil, padToMaxLength: Bool = false) throws -> BertEncoding {
        try encode(pieces: pieces(words: words), maxLength: maxLength, padToMaxLength: padToMaxLength)
    }

    /// Encodes several texts, each truncated to `maxLength` if given, all padded to the longest.
    public func encodeBatch(_ texts: [String], maxLength: Int? = nil) throws -> [BertEncoding] {
        let encodings = try texts.map { try encode($0, maxLength: maxLength) }
        let longest = encodings.map(\.count).max() ?? 0
        return encodings.map { $0.padded(to: longest, padID: padID, padToken: padToken) }
    }

    /// The pieces of pre-split words, word indices and pre-token indices counted over `words`, offsets in
    /// `words.joined(separator: " ")`.
    public func pieces(words: [String]) -> [BertPiece] {
        var result: [BertPiece] = []
        var scalarOffset = 0, preTokenOffset = 0
        for (wordIndex, word) in words.enumerated() {
            let wordPieces = pieces(word)
            for piece in wordPieces {
                result.append(BertPiece(
                    id: piece.id, token: piece.token,
                    offsets: (piece.offsets.lowerBound + scalarOffset)..<(piece.offsets.upperBound + scalarOffset),
                    wordIndex: wordIndex, preTokenIndex: piece.preTokenIndex + preTokenOffset))
            }
            preTokenOffset += (wordPieces.last?.preTokenIndex).map { $0 + 1 } ?? 0
            scalarOffset += word.unicodeScalars.count + 1
        }
        return result
    }

    private func encode(pieces first: [BertPiece], maxLength: Int?, padToMaxLength: Bool) throws -> BertEncoding {
        var first = first
        if let maxLength {
            try checkMaxLength(maxLength, specialTokens: 2)
            first = Array(first.prefix(maxLength - 2))
        }
        return try finish(assemble(first, nil), maxLength: maxLength, pad: padToMaxLength)
    }

    /// `[CLS] first [SEP] second [SEP]`, token type 1 for the second part. With `maxLength`, pieces
    /// are removed longest-first (Hugging Face's `longest_first`); with `padToMaxLength`, padded.
    public func encode(
        _ first: String, pairedWith second: String, maxLength: Int? = nil, padToMaxLength: Bool = false
    ) throws -> BertEncoding {
        var a = pieces(first), b = pieces(second)
        if let maxLength {
            try checkMaxLength(maxLength, specialTokens: 3)
            let (lengthA, lengthB) = Self.longestFirstLengths(a.count, b.count, budget: maxLength - 3)
            a = Array(a.prefix(lengthA))
            b = Array(b.prefix(lengthB))
        }
        return try finish(assemble(a, b), maxLength: maxLength, pad: padToMaxLength)
    }

    /// Readable text from ids: `##` pieces joined to the piece before, other pieces separated by
    /// spaces (lowercasing and accent stripping are not undone).
    public func decode(_ ids: [Int], skippingSpecialTokens: Bool = true) -> String {
        let prefix = wordPiece.continuationPrefix
        var text = ""
        for id in ids {
            if skippingSpecialTokens && specialIDs.contains(id) { continue }
            guard let token = vocabulary.token(for: id) else { continue }
            if token.hasPrefix(prefix) && !text.isEmpty {
                text += token.dropFirst(prefix.count)
            } else {
                text += (text.isEmpty ? "" : " ") + token
            }
        }
        return text
    }

    /// The lengths two texts keep under a shared budget, as `tokenizers`' longest-first truncation:
    /// the shorter keeps what it can up to half, the longer takes the rest.
    static func longestFirstLengths(_ a: Int, _ b: Int, budget: Int) -> (Int, Int) {
        guard a + b > budget else { return (a, b) }
        var short = min(a, b), long = max(a, b)
        long = short > budget ? short : max(short, budget - short)
        if short + long > budget {
            short = budget / 2
            long = short + budget % 2
        }
        let kept = (min(short, min(a, b)), min(long, max(a, b)))
        return a <= b ? kept : (kept.1, kept.0)
    }

    private func checkMaxLength(_ maxLength: Int, specialTokens: Int) throws {
        if maxLength < specialTokens {
            throw TextError.badOption(
                name: "max_seq_length", value: "\(maxLength)",
                reason: "too small for the \(specialTokens) special tokens (use at least \(specialTokens + 1))")
        }
    }

    private func assemble(_ a: [BertPiece], _ b: [BertPiece]?) -> BertEncoding {
        var encoding = BertEncoding(
            ids: [], tokens: [], typeIDs: [], attentionMask: [], sequenceIndices: [], wordIndices: [], offsets: [])
        func add(_ id: Int, _ token: String, type: Int, piece: BertPiece?, sequence: Int?) {
            encoding.ids.append(id)
            encoding.tokens.append(token)
            encoding.typeIDs.append(type)
            encoding.attentionMask.append(1)
            encoding.sequenceIndices.append(piece == nil ? nil : sequence)
            encoding.wordIndices.append(piece?.wordIndex)
            encoding.offsets.append(piece?.offsets)
        }
        add(clsID, clsToken, type: 0, piece: nil, sequence: nil)
        for piece in a { add(piece.id, piece.token, type: 0, piece: piece, sequence: 0) }
        add(sepID, sepToken, type: 0, piece: nil, sequence: nil)
        if let b {
            for piece in b { add(piece.id, piece.token, type: 1, piece: piece, sequence: 1) }
            add(sepID, sepToken, type: 1, piece: nil, sequence: nil)
        }
        return encoding
    }

    private func finish(_ encoding: BertEncoding, maxLength: Int?, pad: Bool) throws -> BertEncoding {
        guard pad else { return encoding }
        guard let maxLength else {
            throw TextError.badOption(name: "padding", value: "max_length", reason: "needs a maximum length")
        }
        return encoding.padded(to: maxLength, padID: padID, padToken: padToken)
    }
}
