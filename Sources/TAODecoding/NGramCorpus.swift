import Foundation

/// A tokenized training corpus: every sentence as `<s> w1 .. wk </s>` word ids, back to back.
/// Word ids follow KenLM's order: `<unk>` 0, `<s>` 1, `</s>` 2, then words by first appearance.
struct NGramCorpus {
    static let unknownID: UInt32 = 0, beginID: UInt32 = 1, endID: UInt32 = 2

    var words: [String] = [NGramVocabulary.unknown, NGramVocabulary.sentenceBegin, NGramVocabulary.sentenceEnd]
    var ids: [String: UInt32] = [NGramVocabulary.unknown: 0]
    /// All sentences' tokens, `<s>`/`</s>` included.
    var tokens: [UInt32] = []
    /// Start of each sentence in `tokens`, plus the end.
    var sentenceStarts: [Int] = [0]

    /// Sentences and tokens already handed out by `takeTokens`.
    private var takenSentences = 0, takenTokens = 0

    var sentenceCount: Int { takenSentences + sentenceStarts.count - 1 }

    /// Reads a text file, one sentence per line, words separated by spaces or tabs; blank lines are skipped.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw DecodingError.io(file: path, reason: "cannot read the corpus") }
        try self.init(bytes: [UInt8](data), name: path)
    }

    init(bytes: [UInt8], name: String) throws {
        tokens.reserveCapacity(bytes.count / 4)
        var line = 0
        try bytes.withUnsafeBufferPointer { _ = try addLines($0, line: &line, name: name, last: true) }
        guard sentenceCount > 0 else { throw DecodingError.emptyCorpus(file: name) }
    }

    private init() {}

    /// Reads a text file block by block and hands each block's tokens (whole sentences) to `sink`, so memory holds
    /// one block and the vocabulary whatever the file's size. The corpus returned has the vocabulary and the
    /// totals, no tokens.
    static func stream(path: String, blockBytes: Int = 1 << 20, into sink: ([UInt32]) throws -> Void) throws -> NGramCorpus {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DecodingError.io(file: path, reason: "cannot read the corpus") }
        defer { try? handle.close() }
        var corpus = NGramCorpus()
        var pending: [UInt8] = [], line = 0
        while true {
            let block: Data
            do { block = try handle.read(upToCount: blockBytes) ?? Data() } catch {
                throw DecodingError.io(file: path, reason: "cannot read the corpus")
            }
            pending.append(contentsOf: block)
            let consumed = try pending.withUnsafeBufferPointer { try corpus.addLines($0, line: &line, name: path, last: block.isEmpty) }
            pending.removeFirst(consumed)
            try sink(corpus.takeTokens())
            if block.isEmpty { break }
        }
        guard corpus.sentenceCount > 0 else { throw DecodingError.emptyCorpus(file: path) }
        return corpus
    }

    /// Moves the tokens out, keeping the vocabulary and the totals.
    mutating func takeTokens() -> [UInt32] {
        defer {
            takenSentences += sentenceStarts.count - 1
            takenTokens += tokens.count
            tokens = []
            sentenceStarts = [0]
        }
        return tokens
    }

    /// Adds the lines of `buffer` that end with a newline (all of them when `last`); returns the bytes consumed.
    private mutating func addLines(_ buffer: UnsafeBufferPointer<UInt8>, line: inout Int, name: String, last: Bool) throws -> Int {
        var start = 0
        while start < buffer.count {
            var end = start
            while end < buffer.count && buffer[end] != UInt8(ascii: "\n") { end += 1 }
            if end == buffer.count && !last { break }
            line += 1
            try addLine(UnsafeBufferPointer(rebasing: buffer[start..<end]), line: line, name: name)
            start = end + 1
        }
        return min(start, buffer.count)
    }

    init(sentences: some Sequence<String>, name: String = "<sentences>") throws {
        var line = 0
        for sentence in sentences {
            line += 1
            var sentence = sentence
            try sentence.withUTF8 { try addLine($0, line: line, name: name) }
        }
        guard sentenceCount > 0 else { throw DecodingError.emptyCorpus(file: name) }
    }

    private mutating func addLine(_ line: UnsafeBufferPointer<UInt8>, line number: Int, name: String) throws {
        var i = 0
        var opened = false
        while i < line.count {
            while i < line.count && Self.isSpace(line[i]) { i += 1 }
            let start = i
            while i < line.count && !Self.isSpace(line[i]) { i += 1 }
            guard i > start else { break }
            guard let word = String(validating: UnsafeBufferPointer(rebasing: line[start..<i]), as: UTF8.self) else {
                throw DecodingError.invalidUTF8(file: name, line: number)
            }
            if !opened { tokens.append(Self.beginID); opened = true }
            tokens.append(id(word, line: number, name: name) )
            if tokens.last == UInt32.max { throw DecodingError.badCorpusLine(file: name, line: number, reason: "'\(word)' is reserved for sentence boundaries") }
        }
        if opened {
            tokens.append(Self.endID)
            sentenceStarts.append(tokens.count)
        }
    }

    private mutating func id(_ word: String, line: Int, name: String) -> UInt32 {
        if let id = ids[word] { return id }
        if word == NGramVocabulary.sentenceBegin || word == NGramVocabulary.sentenceEnd { return UInt32.max }
        let id = UInt32(words.count)
        ids[word] = id
        words.append(word)
        return id
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || (byte >= 9 && byte <= 13) }

    /// Word count, `<s>` and `</s>` excluded.
    var wordCount: Int { takenTokens + tokens.count - 2 * sentenceCount }
}
