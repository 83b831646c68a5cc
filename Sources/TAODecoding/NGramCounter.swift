import Foundation

/// Counts n-gram keys in bounded memory: an open-addressing hash table (linear probing) of (key, count) records
/// that doubles up to what `memoryBytes` allows; when it is full, its records are sorted and written as one run,
/// so the runs hold each n-gram once per table rather than once per occurrence. `sorted()` gives the distinct
/// keys in key order with their summed counts (from memory when nothing spilled).
final class NGramCounter {
    /// Bits of the key that vary (the sort looks at no others).
    let bits: Int
    private let maxSlots: Int
    private var slots: UnsafeMutablePointer<NGramRecord>
    private var slotCount: Int
    /// Records in the table (a record with count 0 is an empty slot).
    private var used = 0
    private var limit: Int
    private let runs: ExternalSorter

    /// `memoryBytes` covers the table and the sort's buffer (32 bytes a slot, 0.7 x 32 bytes a record).
    init(memoryBytes: Int, bits: Int, directory: String) throws {
        self.bits = bits
        var maxSlots = 1 << 10
        while maxSlots * 2 * 32 * 17 / 10 <= memoryBytes { maxSlots *= 2 }
        self.maxSlots = maxSlots
        slotCount = min(1 << 16, maxSlots)
        slots = try Self.allocate(slotCount)
        limit = slotCount * 7 / 10
        runs = ExternalSorter(memoryBytes: memoryBytes, bits: bits, summing: true, directory: directory)
    }

    deinit { free(slots) }

    /// Zeroed slots (pages the table never touches cost nothing).
    private static func allocate(_ count: Int) throws -> UnsafeMutablePointer<NGramRecord> {
        guard let raw = calloc(count, MemoryLayout<NGramRecord>.stride) else {
            throw DecodingError.invalidOption(name: "model.memory", value: "\(count * MemoryLayout<NGramRecord>.stride) bytes for n-gram counting",
                                              expected: "memory the system can allocate (lower model.memory)")
        }
        return raw.bindMemory(to: NGramRecord.self, capacity: count)
    }

    @inline(__always)
    private static func slot(_ key: UInt128, _ mask: Int) -> Int {
        let folded = UInt64(truncatingIfNeeded: key) ^ UInt64(truncatingIfNeeded: key >> 64) &* 0xC2B2_AE3D_27D4_EB4F
        return Int(truncatingIfNeeded: (folded &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Adds `count` occurrences of `key`.
    @inline(__always)
    func add(_ key: UInt128, count: UInt64 = 1) throws {
        let mask = slotCount - 1
        var index = Self.slot(key, mask)
        while slots[index].a != 0 {
            if slots[index].key == key {
                slots[index].a &+= count
                return
            }
            index = (index + 1) & mask
        }
        slots[index] = NGramRecord(key: key, a: count)
        used += 1
        if used >= limit { try grow() }
    }

    /// Doubles the table, or spills it as a sorted run when it may not grow.
    private func grow() throws {
        guard slotCount < maxSlots else {
            try spill()
            return
        }
        let old = slots, oldCount = slotCount
        slots = try Self.allocate(oldCount * 2)
        slotCount = oldCount * 2
        limit = slotCount * 7 / 10
        let mask = slotCount - 1
        for i in 0..<oldCount where old[i].a != 0 {
            var index = Self.slot(old[i].key, mask)
            while slots[index].a != 0 { index = (index + 1) & mask }
            slots[index] = old[i]
        }
        free(old)
    }

    /// The table's records in key order (moved to the table's front and sorted there with an array as the sort's
    /// buffer, so memory holds the table and one copy of its records); the table is empty afterwards.
    private func takeSorted(clearing: Bool) -> [NGramRecord] {
        var next = 0
        for i in 0..<slotCount where slots[i].a != 0 {
            slots[next] = slots[i]
            next += 1
        }
        let count = next
        var records = [NGramRecord](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        records.withUnsafeMutableBufferPointer { scratch in
            let table = UnsafeMutableBufferPointer(start: slots, count: count)
            if !RadixSort.sort(table, scratch: scratch, bits: bits), count > 0 {
                scratch.baseAddress?.update(from: slots, count: count)
            }
        }
        if clearing { memset(slots, 0, slotCount * MemoryLayout<NGramRecord>.stride) }
        used = 0
        return records
    }

    private func spill() throws {
        try runs.addRun(takeSorted(clearing: true))
    }

    /// The distinct keys in key order with their counts. The counter takes no more keys afterwards.
    func sorted() throws -> NGramRecordSource {
        let records = takeSorted(clearing: false)
        // the table's memory goes back before the runs are merged
        free(slots)
        slots = try Self.allocate(1)
        slotCount = 1
        if runs.isEmpty { return ArrayRecords(records) }
        try runs.addRun(records)
        return try runs.sorted()
    }
}
