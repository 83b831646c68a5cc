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

    @Test("a suffix link to an empty slot, or a unigram with a suffix link, is an inconsistent entry, not a read outside the file",
          arguments: ["bigram", "unigram"])
    func danglingSuffix(from linked: String) throws {
        // Found by fuzzing: an empty slot's fields were never checked, so a walk along suffix links that reached one
        // followed its garbage suffix out of the mapping.
        let model = try KneserNeyEstimator.estimate(sentences: ["a b c", "a c b", "b a"], options: .init(order: 3, discountFallback: true)).model()
        let path = temporaryPath("dangling.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes = [UInt8](model.storage.bytes)
        let stride = MemoryLayout<NGramEntry>.stride
        func field(_ entry: Int, _ offset: Int) -> Int { NGramLayout.headerSize + entry * stride + offset }
        let bigrams = model.tables.tables[1]
        let slots = bigrams.base..<(bigrams.base + bigrams.capacity)
        let empty = try #require(slots.first { model.entries[$0].key == 0 })
        withUnsafeBytes(of: UInt32(0xFFFF_FFF0).littleEndian) { bytes.replaceSubrange(field(empty, 16)..<field(empty, 20), with: $0) }
        let linking = linked == "unigram" ? 1 + Int(model.id("a")) : try #require(slots.first { model.entries[$0].key != 0 })
        withUnsafeBytes(of: UInt32(empty).littleEndian) { bytes.replaceSubrange(field(linking, 16)..<field(linking, 20), with: $0) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: DecodingError.self) { try NGramBinary.load(path: path) }
        #expect(error.map { "\($0)" }?.contains("entry \(linking) is inconsistent") == true, "\(String(describing: error))")
    }

    @Test("a model whose ARPA file lists no <unk> writes a binary file that loads")
    func withoutUnknown() throws {
        let arpa = temporaryPath("no-unk.arpa"), path = temporaryPath("no-unk.bin")
        defer { for file in [arpa, path] { try? FileManager.default.removeItem(atPath: file) } }
        try "\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-0.5\t<s>\t-0.3\n-0.5\t</s>\n-0.6\thello\t-0.2\n\n\\2-grams:\n-0.2\t<s> hello\n\n\\end\\\n"
            .write(toFile: arpa, atomically: true, encoding: .utf8)
        let model = try ARPAReader.read(path: arpa)
        try NGramBinary.write(model, to: path)
        let mapped = try NGramBinary.load(path: path)
        #expect(mapped.score(mapped.beginSentenceState, mapped.id("hello")).log10Prob == model.score(model.beginSentenceState, model.id("hello")).log10Prob)
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
