import Foundation

/// Sorts n-gram records by key in bounded memory. Records collect in a chunk of at most `chunkRecords`; a full
/// chunk is sorted, records with equal keys are combined (their `a` values added) when `summing`, and the chunk
/// is written to a temporary file as a sorted run. `sorted()` merges the runs into one stream in key order (equal
/// keys of different runs combined too); when everything fit in one chunk, it streams that chunk from memory.
final class ExternalSorter {
    /// Records held in memory at most (each costs 64 bytes while sorting: the record and the sort's buffer).
    let chunkRecords: Int
    let summing: Bool
    /// Bits of the key that vary (the radix sort looks at no others).
    let bits: Int
    private let directory: String
    private var chunk: [NGramRecord] = []
    private var runs: [String] = []

    init(memoryBytes: Int, bits: Int, summing: Bool, directory: String) {
        chunkRecords = max(memoryBytes / 64, 1024)
        self.bits = bits
        self.summing = summing
        self.directory = directory
    }

    func add(_ record: NGramRecord) throws {
        if chunk.isEmpty { chunk.reserveCapacity(min(chunkRecords, 1 << 16)) }
        chunk.append(record)
        if chunk.count >= chunkRecords {
            sortChunk()
            try writeRun()
        }
    }

    /// True when no record was added.
    var isEmpty: Bool { chunk.isEmpty && runs.isEmpty }

    /// Writes records already in key order (each key once) as a run of their own.
    func addRun(_ records: [NGramRecord]) throws {
        guard !records.isEmpty else { return }
        let writer = try TemporaryFileWriter<NGramRecord>(directory: directory)
        try writer.append(contentsOf: records)
        try writer.close()
        runs.append(writer.path)
    }

    /// The records in key order. The sorter takes no more records afterwards.
    func sorted() throws -> NGramRecordSource {
        sortChunk()
        if runs.isEmpty {
            let records = chunk
            chunk = []
            return ArrayRecords(records)
        }
        try writeRun()
        // The run readers share a quarter of the memory, 512 records (16 KB) each at least.
        let blockBytes = max(chunkRecords * 16 / max(runs.count, 1), 512 * MemoryLayout<NGramRecord>.stride)
        let readers = try runs.map { try TemporaryFileReader<NGramRecord>(path: $0, blockBytes: blockBytes, removingWhenRead: true) }
        return try MergedRuns(readers, summing: summing)
    }

    private func sortChunk() {
        RadixSort.sort(&chunk, bits: bits)
        guard summing, !chunk.isEmpty else { return }
        var last = 0
        for index in 1..<chunk.count {
            if chunk[index].key == chunk[last].key {
                chunk[last].a += chunk[index].a
            } else {
                last += 1
                chunk[last] = chunk[index]
            }
        }
        chunk.removeSubrange((last + 1)...)
    }

    /// Writes the sorted chunk as a run and empties it.
    private func writeRun() throws {
        guard !chunk.isEmpty else { return }
        let writer = try TemporaryFileWriter<NGramRecord>(directory: directory)
        try writer.append(contentsOf: chunk)
        try writer.close()
        runs.append(writer.path)
        chunk.removeAll(keepingCapacity: true)
    }
}

/// Records of an array, in order.
final class ArrayRecords: NGramRecordSource {
    private var records: [NGramRecord]
    private var index = 0

    init(_ records: [NGramRecord]) { self.records = records }

    func next() throws -> NGramRecord? {
        guard index < records.count else {
            records = []
            return nil
        }
        defer { index += 1 }
        return records[index]
    }
}

/// The k-way merge of sorted runs through a binary min-heap of their heads; equal keys are combined when `summing`.
final class MergedRuns: NGramRecordSource {
    private let readers: [TemporaryFileReader<NGramRecord>]
    private let summing: Bool
    /// (head record, reader index), smallest key first.
    private var heap: [(record: NGramRecord, reader: Int)] = []

    init(_ readers: [TemporaryFileReader<NGramRecord>], summing: Bool) throws {
        self.readers = readers
        self.summing = summing
        for (index, reader) in readers.enumerated() {
            if let record = try reader.next() { push((record, index)) }
        }
    }

    func next() throws -> NGramRecord? {
        guard var record = try pop() else { return nil }
        while summing, let top = heap.first, top.record.key == record.key {
            record.a += try pop()?.a ?? 0
        }
        return record
    }

    /// The smallest head, replaced by the next record of its run.
    private func pop() throws -> NGramRecord? {
        guard let top = heap.first else { return nil }
        if let following = try readers[top.reader].next() {
            heap[0] = (following, top.reader)
        } else {
            let last = heap.removeLast()
            guard !heap.isEmpty else { return top.record }
            heap[0] = last
        }
        siftDown(0)
        return top.record
    }

    private func push(_ element: (record: NGramRecord, reader: Int)) {
        heap.append(element)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].record.key < heap[parent].record.key else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].record.key < heap[smallest].record.key { smallest = left }
            if right < heap.count && heap[right].record.key < heap[smallest].record.key { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
