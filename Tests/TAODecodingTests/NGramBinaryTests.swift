import Foundation
import Testing
@testable import TAODecoding

@Suite("binary n-gram models")
struct NGramBinaryTests {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tao-\(UUID().uuidString)-\(name)").path
    }

    @Test("a model written as binary and mapped back answers KenLM's query goldens and keeps every n-gram")
    func roundTrip() throws {
        #expect(MemoryLayout<NGramEntry>.size == 32 && MemoryLayout<NGramEntry>.stride == 32 && MemoryLayout<NGramEntry>.offset(of: \.suffix) == 16)
        let arpa = try ARPAReader.read(path: fixture("atis_o3.arpa"))
        let path = temporaryPath("atis.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try NGramBinary.write(arpa, to: path)
        #expect(NGramBinary.isBinary(path: path) && !NGramBinary.isBinary(path: fixture("atis_o3.arpa")))
        let mapped = try NGramModel.load(path: path)
        #expect(mapped.vocabulary.words == arpa.vocabulary.words)
        expectSameNGrams(mapped, arpa)
        try expectQueriesMatch(mapped, lm: "atis_o3.arpa")
        for sentence in try fixtureLines("atis_test100.txt") {
            #expect(mapped.score(sentence) == arpa.score(sentence))
        }
    }

    @Test("truncated or corrupted binary files are clear errors", arguments: ["truncate", "magic", "suffix"])
    func corrupted(damage: String) throws {
        let model = try KneserNeyEstimator.estimate(sentences: ["a b c", "a c b", "b a"], options: .init(order: 3, discountFallback: true)).model()
        let path = temporaryPath("bad.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes = [UInt8](model.storage.bytes)
        switch damage {
        case "truncate": bytes.removeLast(9)
        case "magic": bytes[0] = UInt8(ascii: "X")
        default:   // point unigram 1's suffix link at itself
            let offset = NGramLayout.headerSize + 2 * MemoryLayout<NGramEntry>.stride + 16
            bytes[offset] = 2
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: DecodingError.self) { try NGramBinary.load(path: path) }
    }

    @Test("a header size field near or past Int.max is an inconsistent header, not an overflow",
          arguments: [(16, UInt64.max), (16, UInt64(Int.max)), (24, UInt64(Int.max)), (32, UInt64(Int.max)), (32, UInt64.max)])
    func overflowingHeader(offset: Int, value: UInt64) throws {
        let model = try KneserNeyEstimator.estimate(sentences: ["a b c", "b a"], options: .init(order: 2, discountFallback: true)).model()
        let path = temporaryPath("header.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes = [UInt8](model.storage.bytes)
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<offset + 8, with: $0) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: DecodingError.self) { try NGramBinary.load(path: path) }
        #expect(error.map { "\($0)" }?.hasPrefix(path + ": inconsistent header (order 2") == true, "\(String(describing: error))")
    }
}
