import Foundation
import Testing
import TAOText

@Suite("WordPiece trainer")
struct WordPieceTrainerTests {
    private func corpus() throws -> [String] {
        try String(contentsOfFile: fixturePath("sentencepiece_corpus.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("the vocabulary has the asked size, BERT's specials first, every character and ## continuation, and merged pieces")
    func layout() throws {
        let vocabulary = try WordPieceTrainer(vocabularySize: 400).train(lines: try corpus())
        #expect(vocabulary.count == 400)
        #expect(Array(vocabulary.tokens.prefix(5)) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        let tokens = Set(vocabulary.tokens)
        for token in ["a", "y", "##e", "##z", ".", "the", "and", "catherine"] { #expect(tokens.contains(token), "\(token)") }
        #expect(tokens.contains { $0.hasPrefix("##") && $0.count > 4 })
        #expect(!vocabulary.tokens.dropFirst(5).contains { $0.lowercased() != $0 })
    }

    @Test("BertTokenizer loads the written vocab.txt, and every corpus word splits into pieces that join back into it")
    func roundTrip() throws {
        let lines = try corpus()
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("vocab.txt").path
        try WordPieceTrainer(vocabularySize: 500).train(lines: lines).write(toFile: file)
        let tokenizer = try BertTokenizer(vocabularyFile: file)
        let basic = BasicTokenizer(lowercase: true)
        var words = 0
        for line in lines {
            for word in basic.tokenize(line) {
                let pieces = tokenizer.wordPiece.tokenize(word)
                #expect(!pieces.contains("[UNK]"), "'\(word)'")
                let joined = pieces.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst(2)) }.joined()
                #expect(joined == word)
                words += 1
            }
        }
        #expect(words > 10_000)
        // Frequent words become single tokens.
        #expect(tokenizer.wordPiece.tokenize("the") == ["the"])
    }

    @Test("merges follow pair frequency: the most frequent pair is merged first, ties broken by byte order")
    func mergeOrder() throws {
        let vocabulary = try WordPieceTrainer(vocabularySize: 11, lowercase: false)
            .train(wordFrequencies: ["ab": 5, "abc": 3, "bc": 1, "cd": 2])
        // alphabet: a b c ##b ##c ##d (6) after the 5 specials: no room for merges.
        #expect(vocabulary.count == 11)
        let grown = try WordPieceTrainer(vocabularySize: 14, lowercase: false)
            .train(wordFrequencies: ["ab": 5, "abc": 3, "bc": 1, "cd": 2])
        // a+##b (8) -> "ab"; then ab+##c (3) -> "abc"; then c+##d (2) -> "cd"; b+##c occurs once only.
        #expect(Array(grown.tokens.suffix(3)) == ["ab", "abc", "cd"])
    }

    @Test("a size below the alphabet keeps the specials and every character")
    func tinySize() throws {
        let vocabulary = try WordPieceTrainer(vocabularySize: 2).train(lines: ["hello there"])
        #expect(vocabulary.count == 5 + 7)
    }
}
