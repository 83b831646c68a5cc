#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The words of an n-gram model, by id. Id 0 is always `<unk>`; unknown words map to it.
/// Lookups hash the word's UTF-8 bytes into an open-addressing table, so scoring text needs no
/// `String` per word.
public struct NGramVocabulary: Sendable {
    public static let unknown = "<unk>", sentenceBegin = "<s>", sentenceEnd = "</s>"

    /// Words in id order.
    public let words: [String]
    /// All words' UTF-8 bytes back to back; word i is `bytes[offsets[i] ..< offsets[i + 1]]`.
    private let bytes: [UInt8]
    private let offsets: [Int]
    /// Open-addressing table of word id + 1 (0 = empty), slot from the byte hash.
    private let table: [UInt32]
    private let mask: Int

    /// `words[0]` must be `<unk>`.
    init(words: [String]) {
        self.words = words
        var bytes: [UInt8] = [], offsets = [0]
        for word in words {
            bytes.append(contentsOf: word.utf8)
            offsets.append(bytes.count)
        }
        var size = 16
        while size < words.count * 2 { size *= 2 }
        var table = [UInt32](repeating: 0, count: size)
        let mask = size - 1
        bytes.withUnsafeBufferPointer { all in
            for id in words.indices {
                let word = UnsafeBufferPointer(rebasing: all[offsets[id]..<offsets[id + 1]])
                var slot = Int(truncatingIfNeeded: Self.hash(word)) & mask
                var duplicate = false
                while table[slot] != 0 {
                    let other = Int(table[slot] - 1)
                    if all[offsets[other]..<offsets[other + 1]].elementsEqual(word) { duplicate = true; break }
                    slot = (slot + 1) & mask
                }
                if !duplicate { table[slot] = UInt32(id + 1) }
            }
        }
        self.bytes = bytes
        self.offsets = offsets
        self.table = table
        self.mask = mask
    }

    public var count: Int { words.count }

    /// FNV-1a over the bytes, then a multiply-shift mix.
    @inline(__always)
    static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in word { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
    }

    /// The id of the word spelled by these UTF-8 bytes, or 0 (`<unk>`).
    @inline(__always)
    public func id(utf8 word: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var slot = Int(truncatingIfNeeded: Self.hash(word)) & mask
        return bytes.withUnsafeBufferPointer { all in
            while true {
                let entry = table[slot]
                if entry == 0 { return 0 }
                let id = Int(entry - 1)
                let start = offsets[id], end = offsets[id + 1]
                if end - start == word.count && (word.count == 0 || memcmp(all.baseAddress! + start, word.baseAddress!, word.count) == 0) {
                    return UInt32(id)
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The id of `word`, or 0 (`<unk>`) when the model does not know it.
    public func id(_ word: String) -> UInt32 {
        var word = word
        return word.withUTF8 { id(utf8: $0) }
    }

    /// The id of `word`, or 0 (`<unk>`).
    public func id(_ word: Substring) -> UInt32 {
        var word = word
        return word.withUTF8 { id(utf8: $0) }
    }

    /// Whether `word` is in the vocabulary (`<unk>` itself counts as known).
    public func contains(_ word: String) -> Bool { id(word) != 0 || word == Self.unknown }
}
