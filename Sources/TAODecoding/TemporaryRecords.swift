import Foundation

/// A record of the on-disk n-gram pipeline: a packed n-gram key (words 21 bits each, first word most significant,
/// or rotated for suffix order) and two 64-bit values (counts, or the bits of a Double).
struct NGramRecord: RadixSortable {
    var key: UInt128
    var a: UInt64
    var b: UInt64 = 0

    @inline(__always) var sortKey: UInt128 { key }
}

/// A source of records in key order, read one at a time.
protocol NGramRecordSource: AnyObject {
    func next() throws -> NGramRecord?
}

/// Values written to a temporary file through a buffer, in this process's byte order (the file never leaves it).
final class TemporaryFileWriter<Element: BitwiseCopyable> {
    let path: String
    private let handle: FileHandle
    private var buffer: [Element] = []
    private let bufferCount: Int
    /// Values written so far.
    private(set) var count = 0

    init(directory: String, bufferBytes: Int = 1 << 20) throws {
        path = (directory as NSString).appendingPathComponent("tao-ngram-\(getpid())-\(UUID().uuidString).bin")
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw DecodingError.io(file: path, reason: "cannot create a temporary file for n-gram counting")
        }
        self.handle = handle
        bufferCount = max(bufferBytes / MemoryLayout<Element>.stride, 1)
        buffer.reserveCapacity(bufferCount)
    }

    func append(_ value: Element) throws {
        buffer.append(value)
        count += 1
        if buffer.count >= bufferCount { try flush() }
    }

    func append(contentsOf values: [Element]) throws {
        try flush()
        try write(values)
        count += values.count
    }

    /// Flushes and closes the file; the writer takes no more values.
    func close() throws {
        try flush()
        try? handle.close()
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func write(_ values: [Element]) throws {
        guard !values.isEmpty else { return }
        do {
            try values.withUnsafeBytes { try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0.baseAddress!),
                                                                           count: $0.count, deallocator: .none)) }
        } catch {
            throw DecodingError.io(file: path, reason: "cannot write a temporary file for n-gram counting (disk full?)")
        }
    }
}

/// Reads back the values of a temporary file in blocks (deleting the file at its end when asked).
final class TemporaryFileReader<Element: BitwiseCopyable> {
    let path: String
    private let handle: FileHandle
    private var block: [Element] = []
    private var index = 0
    private let blockCount: Int
    private var finished = false
    private let removingWhenRead: Bool

    init(path: String, blockBytes: Int = 1 << 20, removingWhenRead: Bool = false) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DecodingError.io(file: path, reason: "cannot read a temporary file of n-gram counting")
        }
        self.path = path
        self.handle = handle
        self.removingWhenRead = removingWhenRead
        blockCount = max(blockBytes / MemoryLayout<Element>.stride, 1)
    }

    deinit { try? handle.close() }

    /// The next value, nil at the end of the file.
    func nextValue() throws -> Element? {
        if index == block.count {
            guard !finished else { return nil }
            try refill()
            guard index < block.count else { return nil }
        }
        defer { index += 1 }
        return block[index]
    }

    private func refill() throws {
        let stride = MemoryLayout<Element>.stride
        let data: Data
        do { data = try handle.read(upToCount: blockCount * stride) ?? Data() } catch {
            throw DecodingError.io(file: path, reason: "cannot read a temporary file of n-gram counting")
        }
        let count = data.count / stride
        if count < blockCount {
            finished = true
            if removingWhenRead { try? FileManager.default.removeItem(atPath: path) }
        }
        block = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            data.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<(count * stride)]))
            }
            initialized = count
        }
        index = 0
    }
}

extension TemporaryFileReader: NGramRecordSource where Element == NGramRecord {
    func next() throws -> NGramRecord? { try nextValue() }
}
