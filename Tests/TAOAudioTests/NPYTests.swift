import Foundation
import Testing
@testable import TAOAudio

@Suite("NPY")
struct NPYTests {
    @Test("write then read round-trips shape and values; the header is 64-byte aligned as NumPy writes it")
    func roundTrip() throws {
        let values: [Float] = (0..<15).map { Float($0) * 0.25 - 1 }
        let bytes = NPY.encode(values, shape: [3, 5])
        #expect(bytes.count == 128 + 15 * 4)
        #expect(String(decoding: bytes[10..<128], as: UTF8.self).hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }"))
        let (shape, decoded) = try NPY.decode(bytes, name: "x.npy")
        #expect(shape == [3, 5] && decoded == values)
        #expect(try NPY.decode(NPY.encode([7], shape: [1]), name: "v").shape == [1])
    }

    @Test("reads the goldens NumPy wrote")
    func readsNumPy() throws {
        let features = try NPY.readFeatures(fixture("tao_features_64_kept.npy"))
        #expect(features.shape == [64, 158] && features.values.allSatisfy { $0.isFinite })
    }

    @Test("float64 and Fortran order are converted to float32 C order")
    func float64Fortran() throws {
        var header = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
        // Column-major [[1, 2, 3], [4, 5, 6]] is 1, 4, 2, 5, 3, 6.
        for value in [1.0, 4, 2, 5, 3, 6] { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        let (shape, values) = try NPY.decode(bytes, name: "f.npy")
        #expect(shape == [2, 3] && values == [1, 2, 3, 4, 5, 6])
    }

    @Test("bad files are typed errors", arguments: [
        [UInt8](), Array("not numpy at all".utf8), [0x93] + Array("NUMPY".utf8) + [1, 0, 0xFF, 0x7F],
    ])
    func badFiles(bytes: [UInt8]) {
        #expect(throws: AudioError.self) { try NPY.decode(bytes, name: "bad.npy") }
    }

    @Test("a header whose shape needs more data than the file holds is refused")
    func shortData() {
        var bytes = NPY.encode([1, 2, 3, 4], shape: [2, 2])
        bytes.removeLast(4)
        #expect(throws: AudioError.npy(file: "s.npy", reason: "shape [2, 2] needs 4 values but the file holds 3")) {
            try NPY.decode(bytes, name: "s.npy")
        }
    }
}
