/// A decoder state: the longest context the model can still extend, as one integer
/// (an index into the model's n-gram entries; 0 is the empty context). Equal states score alike.
public struct LMState: Hashable, Sendable {
    public let id: UInt32
    public init(id: UInt32) { self.id = id }
}

/// The score of one word in context, as KenLM's `full_scores` gives it.
public struct WordScore: Equatable, Sendable {
    /// log10 P(word | context), backoffs included.
    public var log10Prob: Float
    /// The length of the matched n-gram (1 for an unknown word).
    public var ngramLength: Int
    /// Whether the word is not in the vocabulary (scored as `<unk>`).
    public var isOOV: Bool
}

/// A back-off n-gram language model (log10 probabilities and backoffs, as in ARPA files), held in
/// hash tables that load from ARPA text or map from a binary file. Thread-safe for queries.
public final class NGramModel: @unchecked Sendable {
    /// The highest n-gram order.
    public let order: Int
    /// The words; id 0 is `<unk>`.
    public let vocabulary: NGramVocabulary

    let storage: NGramStorage
    let tables: NGramTables
    let entries: UnsafePointer<NGramEntry>
    let entryCount: Int
    let vocabularyCount: Int
    /// Per order n (index n - 1): the table's first entry and its capacity - 1 (hot-path copies of `tables`).
    let tableBases: UnsafeMutablePointer<Int>, tableMasks: UnsafeMutablePointer<Int>
    /// The id of `<s>` and `</s>`.
    public let sentenceBeginID: UInt32, sentenceEndID: UInt32

    init(storage: NGramStorage, validatedOrder order: Int, tables: [NGramLayout.Table], vocabulary: [String]) {
        self.storage = storage
        self.order = order
        self.vocabulary = NGramVocabulary(words: vocabulary)
        entryCount = tables.last.map { $0.base + $0.capacity } ?? 1
        entries = (storage.bytes.baseAddress! + NGramLayout.headerSize).assumingMemoryBound(to: NGramEntry.self)
        self.tables = NGramTables(entries: entries, tables: tables)
        vocabularyCount = vocabulary.count
        tableBases = .allocate(capacity: order)
        tableMasks = .allocate(capacity: order)
        for (index, table) in tables.enumerated() {
            tableBases[index] = table.base
            tableMasks[index] = table.capacity - 1
        }
        sentenceBeginID = self.vocabulary.id(NGramVocabulary.sentenceBegin)
        sentenceEndID = self.vocabulary.id(NGramVocabulary.sentenceEnd)
    }

    deinit {
        tableBases.deallocate()
        tableMasks.deallocate()
    }

    /// The global index of the n-gram with `key` in the table of order `n` >= 2, or 0 when absent.
    @inline(__always)
    func lookup(order n: Int, key: UInt64) -> Int {
        let base = tableBases[n - 1], mask = tableMasks[n - 1]
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let stored = entries[base + slot].key
            if stored == key { return base + slot }
            if stored == 0 { return 0 }
            slot = (slot + 1) & mask
        }
    }

    /// The empty context (what follows an unknown word).
    public var nullState: LMState { LMState(id: 0) }

    /// The context after `<s>`, where sentences start.
    public var beginSentenceState: LMState { minimized(1 + Int(sentenceBeginID)) }

    /// The id of `word` (0 for unknown words).
    public func id(_ word: String) -> UInt32 { vocabulary.id(word) }

    /// The id of `word` (0 for unknown words).
    public func id(_ word: Substring) -> UInt32 { vocabulary.id(word) }

    /// log10 P(word | state) and the state after the word.
    @inline(__always)
    public func score(_ state: LMState, _ word: UInt32) -> (log10Prob: Float, state: LMState) {
        let (score, next) = fullScore(state, word)
        return (score.log10Prob, next)
    }

    /// The full score of `word` after `state` (probability, matched length, OOV) and the next state.
    public func fullScore(_ state: LMState, _ word: UInt32) -> (WordScore, LMState) {
        let word = Int(word) < vocabularyCount ? word : 0
        var context = Int(state.id)
        var backoff: Float = 0
        while context != 0 {
            let entry = entries[context]
            let n = Int(entry.order) + 1
            let found = n <= order ? lookup(order: n, key: NGramHash.extend(entry.key, word)) : 0
            if found != 0 {
                let matched = entries[found]
                let next = n < order ? found : Int(matched.suffix)
                return (WordScore(log10Prob: matched.log10Prob + backoff, ngramLength: n, isOOV: word == 0),
                        minimized(next))
            }
            backoff += entry.log10Backoff
            context = Int(entry.suffix)
        }
        let unigram = 1 + Int(word)
        return (WordScore(log10Prob: entries[unigram].log10Prob + backoff, ngramLength: 1, isOOV: word == 0),
                minimized(unigram))
    }

    /// The longest suffix of the context at `index` that some n-gram extends.
    @inline(__always)
    func minimized(_ index: Int) -> LMState {
        var index = index
        while index != 0 && entries[index].isContext == 0 { index = Int(entries[index].suffix) }
        return LMState(id: UInt32(index))
    }

    /// The stored log10 probability and backoff of an n-gram given as words, if the model holds it.
    public func entry(_ words: [String]) -> (log10Prob: Float, log10Backoff: Float)? {
        let ids = words.map { vocabulary.id($0) }
        guard !ids.isEmpty, ids.count <= order, !zip(ids, words).contains(where: { $0 == 0 && $1 != NGramVocabulary.unknown }),
              let index = tables.find(ids) else { return nil }
        return (entries[index].log10Prob, entries[index].log10Backoff)
    }

    /// The number of stored n-grams of each order, from 1 to `order`.
    public var counts: [Int] {
        (1...order).map { n -> Int in
            let table = tables.tables[n - 1]
            var count = 0
            for index in table.base..<(table.base + table.capacity) where entries[index].key != 0 { count += 1 }
            return count
        }
    }

    /// Calls `body` with every stored n-gram's word ids, log10 probability and log10 backoff,
    /// order by order (the order of n-grams within an order is unspecified).
    func forEachNGram(_ body: (_ words: [UInt32], _ log10Prob: Float, _ log10Backoff: Float) -> Void) {
        for n in 1...order {
            let table = tables.tables[n - 1]
            for index in table.base..<(table.base + table.capacity) where entries[index].key != 0 {
                body(words(of: index), entries[index].log10Prob, entries[index].log10Backoff)
            }
        }
    }

    /// The word ids of the n-gram at global `index`.
    func words(of index: Int) -> [UInt32] {
        var words: [UInt32] = []
        var index = index
        while index != 0 {
            words.append(entries[index].firstWord)
            index = Int(entries[index].suffix)
        }
        return words
    }
}
