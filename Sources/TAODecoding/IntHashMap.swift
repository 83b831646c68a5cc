/// A map from UInt64 keys to Int32 values, open addressing with linear probing, cleared in O(1)
/// by bumping a generation stamp: the decoder's per-frame merge table, prefix tree and tries.
struct IntHashMap: Sendable {
    /// One slot: a key, its value, and the generation that wrote it (older generations are empty).
    struct Slot {
        var key: UInt64
        var value: Int32
        var stamp: UInt32
    }

    private var slots: [Slot]
    private var generation: UInt32 = 1
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [Slot](repeating: Slot(key: 0, value: 0, stamp: 0), count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The value of `key`, or nil.
    @inline(__always)
    func get(_ key: UInt64) -> Int32? {
        slots.withUnsafeBufferPointer { slots in
            var index = Self.slot(key, mask)
            while slots[index].stamp == generation {
                if slots[index].key == key { return slots[index].value }
                index = (index + 1) & mask
            }
            return nil
        }
    }

    /// Stores `value` for `key` (which must be absent).
    @inline(__always)
    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > slots.count { grow() }
        var index = Self.slot(key, mask)
        while slots[index].stamp == generation { index = (index + 1) & mask }
        slots[index] = Slot(key: key, value: value, stamp: generation)
        count += 1
    }

    /// Empties the map without touching its storage.
    mutating func removeAll() {
        count = 0
        if generation == UInt32.max {
            for i in slots.indices { slots[i].stamp = 0 }
            generation = 1
        } else {
            generation += 1
        }
    }

    private mutating func grow() {
        let old = slots, oldGeneration = generation
        slots = [Slot](repeating: Slot(key: 0, value: 0, stamp: 0), count: old.count * 2)
        mask = slots.count - 1
        generation = 1
        count = 0
        for slot in old where slot.stamp == oldGeneration { insert(slot.key, slot.value) }
    }
}
