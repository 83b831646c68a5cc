import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// tao's binary n-gram format: the model's hash tables written as they sit in memory (layout in
/// `NGramLayout`), so loading is one `mmap` plus a validation pass; pages are read on demand.
public enum NGramBinary {
    /// Writes `model` as a binary file.
    public static func write(_ model: NGramModel, to path: String) throws {
        let bytes = model.storage.bytes
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw DecodingError.io(file: path, reason: "cannot write the binary model")
        }
    }

    /// Whether the file at `path` starts with the binary format's magic.
    public static func isBinary(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 8)).map { [UInt8]($0) == NGramLayout.magic } ?? false
    }

    /// Maps a binary model file read-only and checks its structure.
    public static func load(path: String) throws -> NGramModel {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DecodingError.io(file: path, reason: "cannot open the binary model") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DecodingError.io(file: path, reason: "cannot stat the binary model") }
        let size = Int(info.st_size)
        guard size >= NGramLayout.headerSize else { throw DecodingError.malformedBinary(file: path, reason: "the file is \(size) bytes, shorter than the header") }
        guard let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED else {
            throw DecodingError.io(file: path, reason: "mmap failed (errno \(errno))")
        }
        let storage = NGramStorage(mapping: UnsafeRawPointer(pointer), byteCount: size)
        return try model(storage, name: path)
    }

    /// Validates a layout and wraps it in a model.
    static func model(_ storage: NGramStorage, name: String) throws -> NGramModel {
        let bytes = storage.bytes
        func fail(_ reason: String) -> DecodingError { .malformedBinary(file: name, reason: reason) }
        func u32(_ offset: Int) -> Int { Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        func u64(_ offset: Int) -> Int { Int(truncatingIfNeeded: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) }
        guard bytes.count >= NGramLayout.headerSize else { throw fail("the file is \(bytes.count) bytes, shorter than the header") }
        guard Array(bytes[0..<8]) == NGramLayout.magic else { throw fail("not a tao binary n-gram model (bad magic)") }
        guard u32(8) == Int(NGramLayout.version) else { throw fail("format version \(u32(8)), this build reads \(NGramLayout.version)") }
        let order = u32(12), entryCount = u64(16), vocabularyOffset = u64(24), vocabularyBytes = u64(32)
        let stride = MemoryLayout<NGramEntry>.stride
        // Sizes are compared by subtraction once each bound is known, so no field (up to 2^64 - 1) can overflow a sum.
        guard (1...NGramLayout.maxOrder).contains(order), entryCount > 1, entryCount < Int(UInt32.max),
              vocabularyOffset == NGramLayout.headerSize + entryCount * stride, vocabularyOffset <= bytes.count,
              vocabularyBytes == bytes.count - vocabularyOffset else {
            throw fail("inconsistent header (order \(order), \(entryCount) entries, \(bytes.count) bytes)")
        }
        var tables: [NGramLayout.Table] = []
        var next = 1
        for n in 1...order {
            let table = NGramLayout.Table(base: u64(64 + 16 * n - 16), capacity: u64(72 + 16 * n - 16))
            guard table.base == next, table.capacity > 0, table.capacity <= entryCount - next,
                  n == 1 || table.capacity & (table.capacity - 1) == 0 else { throw fail("inconsistent \(n)-gram table") }
            next += table.capacity
            tables.append(table)
        }
        guard next == entryCount else { throw fail("the tables do not fill the entries") }
        let text = UnsafeRawBufferPointer(rebasing: bytes[vocabularyOffset...])
        guard let joined = String(validating: text.bindMemory(to: UInt8.self), as: UTF8.self) else { throw fail("the vocabulary is not UTF-8") }
        let words = joined.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        guard words.count == tables[0].capacity, words.first == NGramVocabulary.unknown else {
            throw fail("the vocabulary has \(words.count) words for \(tables[0].capacity) unigrams")
        }
        let entries = (bytes.baseAddress! + NGramLayout.headerSize).assumingMemoryBound(to: NGramEntry.self)
        // Every suffix link points to the empty context or to a stored, shorter n-gram, so walks stay in the file and
        // end; unigrams, indexed by word id whether stored or not, have none and name their word; every other table keeps
        // an empty slot.
        for (index, table) in tables.enumerated() {
            var empty = false
            for slot in table.base..<(table.base + table.capacity) {
                let entry = entries[slot]
                if index == 0 {
                    guard entry.order == 1, entry.suffix == 0, Int(entry.firstWord) == slot - table.base else {
                        throw fail("unigram entry \(slot) is inconsistent")
                    }
                    continue
                }
                if entry.key == 0 { empty = true; continue }
                let suffix = Int(entry.suffix)
                guard Int(entry.order) == index + 1, suffix < entryCount, suffix == 0 || entries[suffix].key != 0,
                      entries[suffix].order < entry.order, Int(entry.firstWord) < words.count else {
                    throw fail("entry \(slot) is inconsistent")
                }
            }
            guard empty || index == 0 else { throw fail("the \(index + 1)-gram table has no empty slot") }
        }
        guard entries[0].key == 0 && entries[0].order == 0 else { throw fail("entry 0 is not the empty context") }
        return NGramModel(storage: storage, validatedOrder: order, tables: tables, vocabulary: words)
    }
}

extension NGramModel {
    /// Loads a model from a tao binary file (mapped) or an ARPA file, whichever `path` holds.
    public static func load(path: String) throws -> NGramModel {
        NGramBinary.isBinary(path: path) ? try NGramBinary.load(path: path) : try ARPAReader.read(path: path)
    }
}
