/// A map from non-zero-able UInt64 keys to Int32 values, open addressing with linear probing,
/// cleared in O(1) by bumping a generation stamp: the decoder's per-frame merge table and prefix tree.
struct IntHashMap: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var stamps: [UInt32]
    private var generation: UInt32 = 1
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: 0, count: size)
        stamps = [UInt32](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The value of `key`, or nil.
    @inline(__always)
    func get(_ key: UInt64) -> Int32? {
        var slot = Self.slot(key, mask)
        while stamps[slot] == generation {
            if keys[slot] == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Stores `value` for `key` (which must be absent).
    @inline(__always)
    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (count + 1) * 2 > keys.count { grow() }
        var slot = Self.slot(key, mask)
        while stamps[slot] == generation { slot = (slot + 1) & mask }
        keys[slot] = key
        values[slot] = value
        stamps[slot] = generation
        count += 1
    }

    /// Empties the map without touching its storage.
    mutating func removeAll() {
        count = 0
        if generation == UInt32.max {
            stamps = [UInt32](repeating: 0, count: stamps.count)
            generation = 1
        } else {
            generation += 1
        }
    }

    private mutating func grow() {
        let old = (keys, values, stamps, generation)
        let size = keys.count * 2
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: 0, count: size)
        stamps = [UInt32](repeating: 0, count: size)
        mask = size - 1
        generation = 1
        count = 0
        for i in old.0.indices where old.2[i] == old.3 { insert(old.0[i], old.1[i]) }
    }
}
