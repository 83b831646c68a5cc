import Foundation

/// NumPy's `.npy` format for float arrays: tao writes little-endian float32 (`<f4`, C order, version 1.0) and
/// reads `<f4`/`<f8` in C or Fortran order (versions 1-3), so features can be checked against NumPy tools.
public enum NPY {
    /// Reads an array; `values` are in C (row-major) order whatever the file's order.
    public static func read(_ url: URL) throws -> (shape: [Int], values: [Float]) {
        let bytes: [UInt8]
        do { bytes = try [UInt8](Data(contentsOf: url)) } catch { throw AudioError.unreadable(file: url.path, reason: "\(error.localizedDescription)") }
        return try decode(bytes, name: url.path)
    }

    /// Reads a 2-D array as features `[rows, columns]`, all columns valid.
    public static func readFeatures(_ url: URL) throws -> Features {
        let (shape, values) = try read(url)
        guard shape.count == 2 else { throw AudioError.npy(file: url.path, reason: "shape \(shape) is not 2-D") }
        return Features(values: values, featureCount: shape[0], frameCount: shape[1], validFrames: shape[1])
    }

    /// Writes `values` (C order) with `shape` as float32.
    public static func write(_ values: [Float], shape: [Int], to url: URL) throws {
        precondition(shape.reduce(1, *) == values.count, "NPY.write: \(values.count) values for shape \(shape)")
        do { try Data(encode(values, shape: shape)).write(to: url, options: .atomic) } catch {
            throw AudioError.writeFailed(file: url.path, reason: error.localizedDescription)
        }
    }

    /// Writes a feature matrix as float32 `[featureCount, frameCount]`.
    public static func write(_ features: Features, to url: URL) throws {
        try write(features.values, shape: features.shape, to: url)
    }

    /// The bytes of a version 1.0 `.npy` file holding `values` as `<f4` with `shape`.
    public static func encode(_ values: [Float], shape: [Int]) -> [UInt8] {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        // Magic (6) + version (2) + length (2) + header + newline is padded to a multiple of 64 bytes.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + 4 * values.count)
        for value in values {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes += $0 }
        }
        return bytes
    }

    /// Parses `.npy` bytes; `name` is used in error messages.
    public static func decode(_ bytes: [UInt8], name: String) throws -> (shape: [Int], values: [Float]) {
        func fail(_ reason: String) -> AudioError { .npy(file: name, reason: reason) }
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw fail("not a .npy file (bad magic)")
        }
        let major = bytes[6]
        let lengthBytes = major == 1 ? 2 : 4
        guard (1...3).contains(major), bytes.count >= 8 + lengthBytes else { throw fail("unsupported .npy version \(major)") }
        let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let headerStart = 8 + lengthBytes
        guard headerLength <= bytes.count - headerStart else { throw fail("header runs past the end of the file") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let descr = try field("descr", in: header, name: name)
        let fortran = try field("fortran_order", in: header, name: name) == "True"
        let shape = try parseShape(try field("shape", in: header, name: name), name: name)
        let elementSize: Int
        switch descr {
        case "'<f4'": elementSize = 4
        case "'<f8'": elementSize = 8
        default: throw fail("dtype \(descr) is not little-endian float32 or float64")
        }
        var count = 1
        for dim in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, dim >= 0 else { throw fail("shape \(shape) is too large") }
            count = product
        }
        let dataStart = headerStart + headerLength
        guard count <= (bytes.count - dataStart) / elementSize else {
            throw fail("shape \(shape) needs \(count) values but the file holds \((bytes.count - dataStart) / elementSize)")
        }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                let offset = dataStart + i * elementSize
                values[i] = elementSize == 4
                    ? Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                    : Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
            }
        }
        if fortran && shape.count > 1 { values = fortranToC(values, shape: shape) }
        return (shape, values)
    }

    /// The text after `'key':` up to the next top-level comma or closing brace.
    private static func field(_ key: String, in header: String, name: String) throws -> String {
        guard let keyRange = header.range(of: "'\(key)':") else {
            throw AudioError.npy(file: name, reason: "header has no '\(key)'")
        }
        var depth = 0
        var value = ""
        for character in header[keyRange.upperBound...] {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if depth == 0 && (character == "," || character == "}") { break }
            value.append(character)
            if depth < 0 { break }
        }
        return value.trimmingCharacters(in: .whitespaces)
    }

    private static func parseShape(_ text: String, name: String) throws -> [Int] {
        guard text.hasPrefix("("), text.hasSuffix(")") else { throw AudioError.npy(file: name, reason: "bad shape \(text)") }
        let inner = text.dropFirst().dropLast()
        let parts = inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return try parts.map { part in
            guard let dim = Int(part), dim >= 0 else { throw AudioError.npy(file: name, reason: "bad shape \(text)") }
            return dim
        }
    }

    /// Reorders column-major values into row-major order.
    private static func fortranToC(_ values: [Float], shape: [Int]) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for source in 0..<values.count {
            // `index` is the multi-index of `source` in column-major order; compute its row-major position.
            var target = 0
            for d in 0..<shape.count { target = target * shape[d] + index[d] }
            out[target] = values[source]
            for d in 0..<shape.count {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
            }
        }
        return out
    }
}
