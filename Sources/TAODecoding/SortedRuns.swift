import Foundation

/// Counting n-grams in bounded memory: keys are sorted and counted in chunks, each chunk written
/// to a temporary file as a sorted run of (key, count) records, and the runs are merged into the
/// distinct n-grams with their total counts. Only the chunk and the merged result live in memory.
struct SortedRuns {
    /// Records per chunk (each key costs 32 bytes while sorting).
    let chunkKeys: Int
    private(set) var files: [String] = []
    private let directory: String

    init(chunkKeys: Int, directory: String = NSTemporaryDirectory()) {
        self.chunkKeys = max(chunkKeys, 1024)
        self.directory = directory
    }

    /// Sorts, counts and writes one chunk of keys as a run.
    mutating func add(_ keys: inout [UInt128], bits: Int) throws {
        RadixSort.sort(&keys, bits: bits)
        let counted = KneserNeyEstimator.runLengths(keys)
        keys.removeAll(keepingCapacity: true)
        let path = (directory as NSString).appendingPathComponent("tao-ngram-run-\(getpid())-\(UUID().uuidString).bin")
        var bytes = [UInt8]()
        bytes.reserveCapacity(counted.keys.count * 24)
        for (key, count) in zip(counted.keys, counted.counts) {
            withUnsafeBytes(of: UInt64(truncatingIfNeeded: key).littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(truncatingIfNeeded: key >> 64).littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(count).littleEndian) { bytes.append(contentsOf: $0) }
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw DecodingError.io(file: path, reason: "cannot write a sorted run of n-gram counts")
        }
        files.append(path)
    }

    /// Merges the runs (deleting them) into sorted distinct keys with summed counts.
    func merge() throws -> KneserNeyEstimator.CountedKeys {
        defer { for file in files { try? FileManager.default.removeItem(atPath: file) } }
        var readers = try files.map { try RunReader(path: $0) }
        var result = KneserNeyEstimator.CountedKeys()
        while true {
            // the smallest head among the runs (few runs: a scan beats a heap)
            var best = -1
            for i in readers.indices where readers[i].head != nil {
                if best < 0 || readers[i].head!.key < readers[best].head!.key { best = i }
            }
            guard best >= 0, let (key, count) = readers[best].head else { break }
            if result.keys.last == key { result.counts[result.counts.count - 1] += count } else {
                result.keys.append(key)
                result.counts.append(count)
            }
            try readers[best].advance()
        }
        return result
    }
}

/// Reads one run file block by block.
private struct RunReader {
    let handle: FileHandle
    let path: String
    var block: [UInt8] = []
    var offset = 0
    var head: (key: UInt128, count: Int)?

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DecodingError.io(file: path, reason: "cannot read a sorted run") }
        self.handle = handle
        self.path = path
        try advance()
    }

    mutating func advance() throws {
        if offset + 24 > block.count {
            do { block = [UInt8](try handle.read(upToCount: 24 * 65536) ?? Data()) } catch {
                throw DecodingError.io(file: path, reason: "cannot read a sorted run")
            }
            offset = 0
            guard block.count >= 24 else { head = nil; try? handle.close(); return }
        }
        let (low, high, count) = block.withUnsafeBytes { raw in
            (UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
             UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)),
             UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)))
        }
        offset += 24
        head = (UInt128(high) << 64 | UInt128(low), Int(count))
    }
}
