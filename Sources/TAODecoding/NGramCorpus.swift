import Foundation

/// A tokenized training corpus: every sentence as `<s> w1 .. wk </s>` word ids, back to back.
/// Word ids follow KenLM's order: `<unk>` 0, `<s>` 1, `</s>` 2, then words by first appearance.
struct NGramCorpus {
    static let unknownID: UInt32 = 0, beginID: UInt32 = 1, endID: UInt32 = 2

    var words: [String] = [NGramVocabulary.unknown, NGramVocabulary.sentenceBegin, NGramVocabulary.sentenceEnd]
    /// Word ids by the words' UTF-8 bytes, so a word already seen costs no String.
    private var lookup = WordLookup()
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
            let bytes = UnsafeBufferPointer(rebasing: line[start..<i])
            guard let id = try id(bytes, line: number, name: name) else {
                let word = String(decoding: bytes, as: UTF8.self)
                throw DecodingError.badCorpusLine(file: name, line: number, reason: "'\(word)' is reserved for sentence boundaries")
            }
            if !opened { tokens.append(Self.beginID); opened = true }
            tokens.append(id)
        }
        if opened {
            tokens.append(Self.endID)
            sentenceStarts.append(tokens.count)
        }
    }

    /// The id of a word (a new one for a word not seen yet); nil for `<s>` and `</s>`, which the text may not hold.
    private mutating func id(_ bytes: UnsafeBufferPointer<UInt8>, line: Int, name: String) throws -> UInt32? {
        let (found, slot) = lookup.find(bytes)
        if let found { return found == Self.beginID || found == Self.endID ? nil : found }
        guard let word = String(validating: bytes, as: UTF8.self) else { throw DecodingError.invalidUTF8(file: name, line: line) }
        let id = UInt32(words.count)
        words.append(word)
        lookup.insert(bytes, id: id, at: slot)
        return id
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || (byte >= 9 && byte <= 13) }

    /// Word count, `<s>` and `</s>` excluded.
    var wordCount: Int { takenTokens + tokens.count - 2 * sentenceCount }
}

/// Word ids by UTF-8 bytes: an open-addressing table (linear probing, FNV-1a hashes) of ids whose bytes lie back to
/// back in one array. Holds `<unk>`, `<s>` and `</s>` as ids 0, 1 and 2 from the start.
private struct WordLookup {
    private var bytes: [UInt8] = []
    /// Start of each id's bytes in `bytes`, plus the end.
    private var starts: [Int] = [0]
    private var slots = [Int32](repeating: -1, count: 1 << 12)

    init() {
        for word in [NGramVocabulary.unknown, NGramVocabulary.sentenceBegin, NGramVocabulary.sentenceEnd] {
            var word = word
            word.withUTF8 { insert($0, id: UInt32(starts.count - 1), at: find($0).slot) }
        }
    }

    /// The id of `word` if present, and the slot it has or would take.
    func find(_ word: UnsafeBufferPointer<UInt8>) -> (id: UInt32?, slot: Int) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in word { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash ^ hash >> 32) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return (nil, slot) }
            let start = starts[id], count = starts[id + 1] - start
            if count == word.count && bytes.withUnsafeBufferPointer({ stored in
                var k = 0
                while k < count && stored[start + k] == word[k] { k += 1 }
                return k == count
            }) {
                return (UInt32(id), slot)
            }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `word` as `id` (the next id) at `slot`, which `find` gave.
    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, id: UInt32, at slot: Int) {
        bytes.append(contentsOf: word)
        starts.append(bytes.count)
        slots[slot] = Int32(id)
        guard starts.count * 2 > slots.count else { return }
        // at half load, twice the slots
        let count = starts.count - 1
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for id in 0..<count {
            let slot = bytes.withUnsafeBufferPointer { find(UnsafeBufferPointer(rebasing: $0[starts[id]..<starts[id + 1]])).slot }
            slots[slot] = Int32(id)
        }
    }
}
