/// The n-grams of one order, as parallel arrays: `words` holds `order` word ids per n-gram.
struct NGramList {
    var order: Int
    var words: [UInt32] = []
    var log10Probs: [Float] = []
    var log10Backoffs: [Float] = []

    var count: Int { log10Probs.count }

    mutating func append(_ ngram: some Collection<UInt32>, log10Prob: Float, log10Backoff: Float) {
        words.append(contentsOf: ngram)
        log10Probs.append(log10Prob)
        log10Backoffs.append(log10Backoff)
    }
}

/// Lays out n-gram lists (unigrams in vocabulary order, each order's prefixes present) as an
/// `NGramLayout` blob and wraps it in a model.
enum NGramModelBuilder {
    /// Reasons the lists cannot form a model; the caller turns them into its own error with context.
    enum Failure: Error {
        case duplicate(order: Int, index: Int)
        case missingContext(order: Int, index: Int)
    }

    static func build(vocabulary: [String], lists: [NGramList]) throws -> NGramModel {
        let order = lists.count
        precondition(order >= 1 && order <= NGramLayout.maxOrder && lists[0].count == vocabulary.count,
                     "unigrams (\(lists.first?.count ?? 0)) must match the vocabulary (\(vocabulary.count))")
        var tables = [NGramLayout.Table(base: 1, capacity: vocabulary.count)]
        var entryCount = 1 + vocabulary.count
        for list in lists.dropFirst() {
            var capacity = 2
            while capacity * 2 < list.count * 3 { capacity *= 2 }
            tables.append(.init(base: entryCount, capacity: capacity))
            entryCount += capacity
        }
        let vocabularyBytes = Array(vocabulary.map { $0 + "\n" }.joined().utf8)
        let vocabularyOffset = NGramLayout.headerSize + entryCount * MemoryLayout<NGramEntry>.stride
        let storage = NGramStorage(allocating: vocabularyOffset + vocabularyBytes.count)
        let raw = storage.mutableBytes
        raw.copyBytes(from: NGramLayout.magic)
        raw.storeBytes(of: NGramLayout.version.littleEndian, toByteOffset: 8, as: UInt32.self)
        raw.storeBytes(of: UInt32(order).littleEndian, toByteOffset: 12, as: UInt32.self)
        raw.storeBytes(of: UInt64(entryCount).littleEndian, toByteOffset: 16, as: UInt64.self)
        raw.storeBytes(of: UInt64(vocabularyOffset).littleEndian, toByteOffset: 24, as: UInt64.self)
        raw.storeBytes(of: UInt64(vocabularyBytes.count).littleEndian, toByteOffset: 32, as: UInt64.self)
        for (n, table) in tables.enumerated() {
            raw.storeBytes(of: UInt64(table.base).littleEndian, toByteOffset: 64 + 16 * n, as: UInt64.self)
            raw.storeBytes(of: UInt64(table.capacity).littleEndian, toByteOffset: 72 + 16 * n, as: UInt64.self)
        }
        UnsafeMutableRawBufferPointer(rebasing: raw[vocabularyOffset...]).copyBytes(from: vocabularyBytes)

        let entries = (raw.baseAddress! + NGramLayout.headerSize).bindMemory(to: NGramEntry.self, capacity: entryCount)
        let lookup = NGramTables(entries: UnsafePointer(entries), tables: tables)
        for (index, list) in lists.enumerated() {
            let n = index + 1
            for i in 0..<list.count {
                let words = list.words[(i * n)..<(i * n + n)]
                let key = NGramHash.key(words)
                let slot: Int
                if n == 1 {
                    slot = 1 + Int(words.first!)
                } else {
                    guard let free = lookup.freeSlot(order: n, key: key) else { throw Failure.duplicate(order: n, index: i) }
                    slot = free
                }
                var suffix = 0
                if n > 1 {
                    // the longest stored suffix (ARPA files normally hold the whole one)
                    var start = words.startIndex + 1
                    while start < words.endIndex {
                        if let found = lookup.find(words[start...]) {
                            suffix = found; break
                        }
                        start += 1
                    }
                    guard let prefix = lookup.find(words.dropLast()) else {
                        throw Failure.missingContext(order: n, index: i)
                    }
                    entries[prefix].isContext = 1
                }
                let backoff = list.log10Backoffs[i]
                entries[slot] = NGramEntry(key: key, log10Prob: list.log10Probs[i], log10Backoff: backoff,
                                           suffix: UInt32(suffix), firstWord: words.first!, order: UInt8(n),
                                           isContext: backoff != 0 ? 1 : entries[slot].isContext)
            }
        }
        // A unigram slot was zero-filled when the vocabulary listed it; its key is set above.
        return NGramModel(storage: storage, validatedOrder: order, tables: tables, vocabulary: vocabulary)
    }
}

/// Read access to the hash tables of a layout.
struct NGramTables {
    let entries: UnsafePointer<NGramEntry>
    let tables: [NGramLayout.Table]

    /// The global index of the n-gram `words`, if stored.
    func find(_ words: some Collection<UInt32>) -> Int? {
        if words.count == 1 { return 1 + Int(words.first!) }
        return find(order: words.count, key: NGramHash.key(words))
    }

    /// The global index of the n-gram with `key` in the table of `order` >= 2, if stored.
    @inline(__always)
    func find(order: Int, key: UInt64) -> Int? {
        let table = tables[order - 1]
        let mask = table.capacity - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let stored = entries[table.base + slot].key
            if stored == key { return table.base + slot }
            if stored == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// The global index of an empty slot for `key`, or nil when `key` is already stored.
    func freeSlot(order: Int, key: UInt64) -> Int? {
        let table = tables[order - 1]
        let mask = table.capacity - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let stored = entries[table.base + slot].key
            if stored == key { return nil }
            if stored == 0 { return table.base + slot }
            slot = (slot + 1) & mask
        }
    }
}
