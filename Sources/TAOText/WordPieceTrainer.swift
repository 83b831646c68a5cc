/// Builds a BERT-style WordPiece vocabulary (`vocab.txt`) from a corpus, as NeMo's `wpe` tokenizers are made.
///
/// Method (frequency-based, the way Hugging Face's WordPiece trainer builds its vocabulary from BPE merges):
/// 1. Words are the BERT pre-tokens of each line (`BasicTokenizer`: whitespace and punctuation split, optional
///    lowercasing with accent stripping), counted.
/// 2. The vocabulary starts with `[PAD] [UNK] [CLS] [SEP] [MASK]`, then every character that starts a word and every
///    `##`character that continues one, so each corpus word splits into known pieces.
/// 3. Each word is a sequence of symbols (`c`, `##c`, ...). Until the vocabulary holds `vocabularySize` tokens (or no
///    pair occurs twice), the most frequent adjacent pair of symbols (ties: the smaller pair in byte order) is merged
///    into one symbol (`t` + `##h` -> `th`, `##e` + `##r` -> `##er`), which becomes a token. Whole frequent words
///    therefore appear once their pieces have merged.
/// The vocabulary is never smaller than the specials and the characters, even when `vocabularySize` is.
public struct WordPieceTrainer: Sendable {
    /// The special tokens at ids 0-4, in BERT's order.
    public static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    /// Tokens wanted in the vocabulary, specials included.
    public var vocabularySize: Int
    /// Lowercase (and strip accents from) the corpus, as an uncased BertTokenizer does.
    public var lowercase: Bool
    /// The prefix of pieces that continue a word.
    public var continuationPrefix = "##"

    public init(vocabularySize: Int, lowercase: Bool = true) {
        self.vocabularySize = vocabularySize
        self.lowercase = lowercase
    }

    /// The vocabulary for `lines` (sentences or documents).
    public func train(lines: some Sequence<String>) throws -> Vocabulary {
        let pretokenizer = BasicTokenizer(lowercase: lowercase)
        var frequencies: [String: Int] = [:]
        for line in lines {
            for word in pretokenizer.tokenize(line) { frequencies[word, default: 0] += 1 }
        }
        return try train(wordFrequencies: frequencies)
    }

    /// The vocabulary for words (already pre-tokenized) and their counts.
    public func train(wordFrequencies: [String: Int]) throws -> Vocabulary {
        // Sorted words make ties, and therefore the vocabulary, independent of dictionary order.
        let words = wordFrequencies.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var symbols: [[String]] = words.map { word in
            word.unicodeScalars.enumerated().map { $0.offset == 0 ? String($0.element) : continuationPrefix + String($0.element) }
        }
        let counts = words.map { wordFrequencies[$0] ?? 0 }

        var tokens = Self.specialTokens
        var known = Set(tokens)
        let alphabet = Set(symbols.joined()).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        for symbol in alphabet where known.insert(symbol).inserted { tokens.append(symbol) }

        // Pair counts over all words, and which words hold each pair, updated only for the words a merge touches.
        var pairCounts: [Pair: Int] = [:]
        var wordsWithPair: [Pair: Set<Int>] = [:]
        func account(_ word: Int, _ sign: Int) {
            let sequence = symbols[word]
            for index in sequence.indices.dropLast() {
                let pair = Pair(left: sequence[index], right: sequence[index + 1])
                pairCounts[pair, default: 0] += sign * counts[word]
                if sign > 0 { wordsWithPair[pair, default: []].insert(word) }
            }
        }
        for word in words.indices { account(word, 1) }

        while tokens.count < vocabularySize {
            var best: (pair: Pair, count: Int)?
            for (pair, count) in pairCounts where count >= 2 {
                if let current = best, count < current.count || (count == current.count && !(pair < current.pair)) { continue }
                best = (pair, count)
            }
            guard let (pair, _) = best else { break }
            let merged = pair.left + pair.right.dropFirst(pair.right.hasPrefix(continuationPrefix) ? continuationPrefix.count : 0)
            for word in wordsWithPair[pair] ?? [] {
                account(word, -1)
                symbols[word] = Self.merge(pair, into: merged, in: symbols[word])
                account(word, 1)
            }
            pairCounts[pair] = nil
            wordsWithPair[pair] = nil
            if known.insert(merged).inserted { tokens.append(merged) }
        }
        return try Vocabulary(tokens: tokens, source: "WordPiece training")
    }

    /// `sequence` with each occurrence of `pair` (left to right, not overlapping) replaced by `merged`.
    private static func merge(_ pair: Pair, into merged: String, in sequence: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < sequence.count {
            if index + 1 < sequence.count, sequence[index] == pair.left, sequence[index + 1] == pair.right {
                result.append(merged)
                index += 2
            } else {
                result.append(sequence[index])
                index += 1
            }
        }
        return result
    }

    /// Two adjacent symbols.
    private struct Pair: Hashable, Comparable {
        let left: String
        let right: String

        static func < (lhs: Pair, rhs: Pair) -> Bool {
            let (a, b) = (Array(lhs.left.utf8), Array(rhs.left.utf8))
            return a != b ? a.lexicographicallyPrecedes(b) : Array(lhs.right.utf8).lexicographicallyPrecedes(Array(rhs.right.utf8))
        }
    }
}
