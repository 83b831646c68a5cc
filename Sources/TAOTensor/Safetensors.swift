import Foundation

/// A Hugging Face safetensors file: an 8-byte little-endian header length, a JSON header mapping each
/// tensor name to its dtype, shape and byte range, then the raw little-endian data.
public struct SafetensorsFile {
    /// Where one tensor lives in the data section.
    public struct Entry: Sendable {
        /// `F32`, `F16`, `BF16`, `F64`, `I64`, `I32`, ...
        public let dtype: String
        public let shape: [Int]
        /// Byte range within the data section.
        public let range: Range<Int>
    }

    /// The file this was read from (for messages).
    public let path: String
    /// Tensors by name.
    public let entries: [String: Entry]
    /// The optional `__metadata__` string map.
    public let metadata: [String: String]
    private let data: Data
    private let dataStart: Int

    private static let elementSizes = ["F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
                                       "U8": 1, "BOOL": 1]

    /// Reads (memory-maps) the file at `url` and validates its header.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw TensorError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        try self.init(data: data, path: url.path)
    }

    /// Validates the header of safetensors bytes held in memory (e.g. a member of an archive); `path` names them in
    /// errors.
    public init(data: Data, path: String) throws {
        self.path = path
        self.data = data
        guard data.count >= 8 else { throw TensorError.malformedSafetensors(path: path, reason: "shorter than 8 bytes") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw TensorError.malformedSafetensors(path: path, reason: "header length \(headerLength) exceeds the file size \(data.count)")
        }
        dataStart = 8 + Int(headerLength)
        let header = data.subdata(in: 8..<dataStart)
        guard let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw TensorError.malformedSafetensors(path: path, reason: "header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        let dataSize = data.count - dataStart
        for (name, value) in json {
            if name == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String,
                  let shape = JSONValue.integers(fields["shape"]), let offsets = JSONValue.integers(fields["data_offsets"]), offsets.count == 2 else {
                throw TensorError.malformedSafetensors(path: path, reason: "entry '\(name)' lacks dtype, shape or data_offsets")
            }
            guard let size = Self.elementSizes[dtype] else {
                throw TensorError.malformedSafetensors(path: path, reason: "entry '\(name)' has unknown dtype \(dtype)")
            }
            guard let byteCount = Self.byteCount(of: shape, elementSize: size) else {
                throw TensorError.malformedSafetensors(
                    path: path, reason: "entry '\(name)' has shape \(shape), expected sizes of 0 or more whose \(dtype) byte count fits in Int")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataSize, end - begin == byteCount else {
                throw TensorError.malformedSafetensors(
                    path: path, reason: "entry '\(name)' has byte range \(begin)..<\(end), which does not hold \(dtype) \(shape) within \(dataSize) data bytes")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: begin..<end)
        }
        self.entries = entries
        self.metadata = metadata
    }

    /// The bytes of a `shape` tensor of `elementSize`-byte elements, or nil when a size is negative or the product overflows.
    static func byteCount(of shape: [Int], elementSize: Int) -> Int? {
        var product = elementSize
        for size in shape {
            guard size >= 0 else { return nil }
            let (next, overflow) = product.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            product = next
        }
        return product
    }

    /// The float32 tensor `name`.
    public func tensor(_ name: String) throws -> Tensor {
        guard let entry = entries[name] else { throw TensorError.missingKeys(path: path, keys: [name]) }
        guard entry.dtype == "F32" else { throw TensorError.wrongDType(path: path, key: name, found: entry.dtype, expected: "F32") }
        return try widenedTensor(name)
    }

    /// Whether `name` holds the row scales of an int8 tensor (`WeightStorage.int8`) rather than a tensor of its own.
    func isScale(_ name: String) -> Bool {
        name.hasSuffix(WeightStorage.scaleSuffix) && entries[String(name.dropLast(WeightStorage.scaleSuffix.count))]?.dtype == "I8"
    }

    /// The tensor `name` as float32: stored as F32, widened from F16 or BF16, or dequantized from I8 with its row scales.
    public func widenedTensor(_ name: String) throws -> Tensor {
        guard let entry = entries[name] else { throw TensorError.missingKeys(path: path, keys: [name]) }
        let out = Tensor(zeros: entry.shape)
        switch entry.dtype {
        case "F32":
            copyBytes(of: entry, into: UnsafeMutableRawPointer(out.pointer))
        case "F16", "BF16":
            var halves = [UInt16](repeating: 0, count: out.count)
            halves.withUnsafeMutableBytes { if let base = $0.baseAddress { copyBytes(of: entry, into: base) } }
            let target = out.pointer
            if entry.dtype == "F16" {
                for (i, bits) in halves.enumerated() { target[i] = Float(Float16(bitPattern: UInt16(littleEndian: bits))) }
            } else {
                for (i, bits) in halves.enumerated() { target[i] = Float(bitPattern: UInt32(UInt16(littleEndian: bits)) << 16) }
            }
        case "I8":
            guard let scaleEntry = entries[name + WeightStorage.scaleSuffix], scaleEntry.dtype == "F32",
                  entry.shape.count >= 1, scaleEntry.shape == [entry.shape[0]] else {
                throw TensorError.malformedSafetensors(path: path, reason: "int8 tensor '\(name)' has no float32 row scales '\(name)\(WeightStorage.scaleSuffix)'")
            }
            var codes = [Int8](repeating: 0, count: out.count)
            codes.withUnsafeMutableBytes { if let base = $0.baseAddress { copyBytes(of: entry, into: base) } }
            var scales = [Float](repeating: 0, count: scaleEntry.shape[0])
            scales.withUnsafeMutableBytes { if let base = $0.baseAddress { copyBytes(of: scaleEntry, into: base) } }
            let columns = scales.isEmpty ? 0 : out.count / scales.count
            let target = out.pointer
            for (i, code) in codes.enumerated() { target[i] = Float(code) * scales[i / max(columns, 1)] }
        default:
            throw TensorError.wrongDType(path: path, key: name, found: entry.dtype, expected: "F32, F16, BF16 or I8")
        }
        return out
    }

    /// Symmetric per-row int8 codes of a `[rows, ...]` matrix and each row's scale (largest magnitude / 127).
    static func quantizedRows(_ values: UnsafeBufferPointer<Float>, rows: Int) -> (codes: [Int8], scales: [Float]) {
        let columns = rows > 0 ? values.count / rows : 0
        var codes = [Int8](repeating: 0, count: values.count)
        var scales = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            let slice = values[(row * columns)..<((row + 1) * columns)]
            let scale = (slice.map(abs).max() ?? 0) / 127
            scales[row] = scale
            guard scale > 0 else { continue }
            for i in slice.indices { codes[i] = Int8(max(-127, min(127, (values[i] / scale).rounded()))) }
        }
        return (codes, scales)
    }

    /// The integer tensor `name` (I64 or I32), e.g. token ids or position ids.
    public func integers(_ name: String) throws -> [Int] {
        guard let entry = entries[name] else { throw TensorError.missingKeys(path: path, keys: [name]) }
        let count = entry.shape.reduce(1, *)
        switch entry.dtype {
        case "I64":
            var values = [Int64](repeating: 0, count: count)
            values.withUnsafeMutableBytes { copyBytes(of: entry, into: $0.baseAddress!) }
            return values.map { Int(Int64(littleEndian: $0)) }
        case "I32":
            var values = [Int32](repeating: 0, count: count)
            values.withUnsafeMutableBytes { copyBytes(of: entry, into: $0.baseAddress!) }
            return values.map { Int(Int32(littleEndian: $0)) }
        default:
            throw TensorError.wrongDType(path: path, key: name, found: entry.dtype, expected: "I64 or I32")
        }
    }

    private func copyBytes(of entry: Entry, into destination: UnsafeMutableRawPointer) {
        guard !entry.range.isEmpty else { return }
        data.withUnsafeBytes { bytes in
            destination.copyMemory(from: bytes.baseAddress! + dataStart + entry.range.lowerBound, byteCount: entry.range.count)
        }
    }

    /// Writes `tensors` (names must be unique) with optional string `metadata`, stored as `storage` says.
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String] = [:], storage: WeightStorage = .float32,
                             to url: URL) throws {
        var stored: [(name: String, dtype: String, shape: [Int], bytes: Data)] = []
        for (name, tensor) in tensors {
            let values = tensor.contiguousValues()
            let buffer = UnsafeBufferPointer(start: values.pointer, count: values.count)
            switch storage {
            case .int8 where tensor.rank >= 2 && tensor.count >= WeightStorage.smallestQuantized:
                let (codes, scales) = quantizedRows(buffer, rows: tensor.shape[0])
                stored.append((name, "I8", tensor.shape, codes.withUnsafeBytes { Data($0) }))
                stored.append((name + WeightStorage.scaleSuffix, "F32", [scales.count], scales.withUnsafeBytes { Data($0) }))
            case .float16, .int8:
                let halves = buffer.map { Float16($0).bitPattern.littleEndian }
                stored.append((name, "F16", tensor.shape, halves.withUnsafeBytes { Data($0) }))
            case .float32:
                stored.append((name, "F32", tensor.shape, Data(buffer: buffer)))
            }
        }
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for entry in stored {
            header[entry.name] = ["dtype": entry.dtype, "shape": entry.shape, "data_offsets": [offset, offset + entry.bytes.count]] as [String: Any]
            offset += entry.bytes.count
        }
        var headerBytes = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        headerBytes.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - headerBytes.count % 8) % 8))
        var file = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(headerBytes)
        for entry in stored { file.append(entry.bytes) }
        do {
            try file.write(to: url, options: .atomic)
        } catch {
            throw TensorError.unwritableFile(path: url.path, reason: error.localizedDescription)
        }
    }
}

extension Module {
    /// Saves parameters and buffers under their dotted names.
    public func saveSafetensors(to url: URL, metadata: [String: String] = [:], storage: WeightStorage = .float32) throws {
        try SafetensorsFile.write(stateTensors(), metadata: metadata, storage: storage, to: url)
    }

    /// Loads parameters and buffers (stored as float32, or float16/bfloat16 widened) from a safetensors file,
    /// checking every name, dtype and shape before
    /// changing anything. `strict` rejects tensors the model does not have; `ignoring` names file tensors that
    /// are never loaded (e.g. `num_batches_tracked`, `position_ids`). Missing tensors are always an error.
    public func loadSafetensors(from url: URL, strict: Bool = true, ignoring: (String) -> Bool = { _ in false }) throws {
        try loadSafetensors(try SafetensorsFile(contentsOf: url), strict: strict, ignoring: ignoring)
    }

    /// `loadSafetensors(from:)` for a file already read (an archive member).
    public func loadSafetensors(_ file: SafetensorsFile, strict: Bool = true, ignoring: (String) -> Bool = { _ in false }) throws {
        let state = stateTensors()
        let expected = Set(state.map(\.0))
        let missing = state.map(\.0).filter { file.entries[$0] == nil }
        if !missing.isEmpty { throw TensorError.missingKeys(path: file.path, keys: missing) }
        let unknown = file.entries.keys.filter { !expected.contains($0) && !ignoring($0) && !file.isScale($0) }.sorted()
        if strict && !unknown.isEmpty { throw TensorError.unknownKeys(path: file.path, keys: unknown) }
        for (name, tensor) in state {
            guard let entry = file.entries[name] else { throw TensorError.missingKeys(path: file.path, keys: [name]) }
            if !["F32", "F16", "BF16", "I8"].contains(entry.dtype) {
                throw TensorError.wrongDType(path: file.path, key: name, found: entry.dtype, expected: "F32, F16, BF16 or I8")
            }
            if entry.shape != tensor.shape { throw TensorError.wrongShape(path: file.path, key: name, found: entry.shape, expected: tensor.shape) }
        }
        for (name, tensor) in state {
            let loaded = try file.widenedTensor(name)
            copyStrided(from: loaded, into: tensor)
        }
    }
}

/// How `SafetensorsFile.write` stores float tensors.
public enum WeightStorage: String, Sendable, CaseIterable {
    /// As they are.
    case float32
    /// Rounded to float16: half the size, about 1e-3 relative error.
    case float16
    /// Matrices of at least `smallestQuantized` values as int8 with a float32 scale per row (a quarter of the size,
    /// error up to half a step of the row's largest magnitude / 127); everything else as float16.
    case int8

    /// Smaller tensors (biases, norms) stay float16 under `int8`.
    static let smallestQuantized = 1024
    /// The suffix of the entry holding an int8 tensor's row scales.
    static let scaleSuffix = ".int8_row_scales"
}
