#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One n-gram in the model's hash tables (32 bytes, little-endian, stored as is in the binary file).
///
/// `key` is the chained hash of the n-gram's word ids (0 marks an empty slot); `suffix` is the
/// global index of the entry for the n-gram without its first word (0, the empty context, for
/// unigrams); `firstWord` and `suffix` together recover the n-gram's words.
struct NGramEntry {
    var key: UInt64
    var log10Prob: Float
    var log10Backoff: Float
    var suffix: UInt32
    var firstWord: UInt32
    var order: UInt8
    /// 1 when some longer n-gram extends this one or its backoff is non-zero: only such
    /// entries are kept as decoder states (KenLM's state minimization).
    var isContext: UInt8
    var reserved0: UInt16 = 0
    var reserved1: UInt32 = 0
}

/// Hashing of word-id sequences: `key(w1..wn) = mix(key(w1..wn-1), wn)`, so extending a
/// context by one word costs one mix. Fixed constants: keys are stored in binary files.
enum NGramHash {
    static let seed: UInt64 = 0x243F_6A88_85A3_08D3

    @inline(__always)
    static func extend(_ key: UInt64, _ word: UInt32) -> UInt64 {
        var x = (key ^ (UInt64(word) &+ 0x9E37_79B9)) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        x = x &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 32
        return x == 0 ? 1 : x
    }

    static func key(_ words: some Collection<UInt32>) -> UInt64 {
        words.reduce(seed) { extend($0, $1) }
    }
}

/// The byte layout shared by the in-memory model and the binary file (version 1):
///
///     0    magic "TAONGRAM" (8 bytes)
///     8    version UInt32 (1), order UInt32
///     16   entryCount UInt64 (all entries, including entry 0 = the empty context)
///     24   vocabularyOffset UInt64, vocabularyByteCount UInt64
///     40   reserved (24 bytes)
///     64   per order n = 1...maxOrder: tableBase UInt64, tableCapacity UInt64 (12 x 16 bytes)
///     256  entries: [NGramEntry] x entryCount; entry 0 is the empty context, unigram w is entry 1 + w,
///          order n >= 2 is an open-addressing hash table (linear probing, capacity a power of two)
///          at entries[tableBase ..< tableBase + tableCapacity], slot = key & (capacity - 1)
///     then the vocabulary: words in id order, UTF-8, each followed by "\n" (word 0 is `<unk>`)
///
/// All integers and floats are little-endian. A state of the decoder is a global entry index.
enum NGramLayout {
    static let magic: [UInt8] = Array("TAONGRAM".utf8)
    static let version: UInt32 = 1
    static let maxOrder = 12
    static let headerSize = 256

    struct Table { var base: Int; var capacity: Int }
}

/// Owner of a layout's bytes: either allocated here or mapped from a file.
final class NGramStorage: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let mapped: Bool

    init(allocating byteCount: Int) {
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: byteCount, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0)
        bytes = UnsafeRawBufferPointer(raw)
        mapped = false
    }

    init(mapping pointer: UnsafeRawPointer, byteCount: Int) {
        bytes = UnsafeRawBufferPointer(start: pointer, count: byteCount)
        mapped = true
    }

    var mutableBytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(mutating: bytes) }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
        } else {
            bytes.deallocate()
        }
    }
}
