import Foundation
import Testing
@testable import TAODecoding

@Suite("n-gram estimation in bounded memory (sorted runs on disk) against in-memory estimation")
struct StreamingKneserNeyTests {
    /// Estimates `corpus` into an ARPA file with `memoryBytes`; the file's text and the summary.
    func streamed(_ corpus: String, _ options: KneserNeyOptions, memoryBytes: Int) throws -> (String, NGramEstimateSummary) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tao-\(UUID().uuidString).arpa").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try KneserNeyEstimator.writeARPA(corpus: fixture(corpus), options: options, memoryBytes: memoryBytes, to: path)
        return (try String(contentsOfFile: path, encoding: .utf8), summary)
    }

    @Test("a tiny cap (1024-record chunks: dozens of sorted runs per sort) and a large one write the in-memory ARPA byte for byte",
          arguments: [("atis_train.txt", KneserNeyOptions(order: 3)), ("atis_train.txt", KneserNeyOptions(order: 4)),
                      ("atis_train.txt", KneserNeyOptions(order: 3, pruning: [0, 1, 1])),
                      ("austen_small.txt", KneserNeyOptions(order: 5, discountFallback: true)),
                      ("atis_tiny10.txt", KneserNeyOptions(order: 3, discountFallback: true)),
                      ("atis_train.txt", KneserNeyOptions(order: 1))])
    func sameARPA(corpus: String, options: KneserNeyOptions) throws {
        let reference = try KneserNeyEstimator.estimate(corpus: fixture(corpus), options: options)
        for memory in [1, 1 << 30] {
            let (text, summary) = try streamed(corpus, options, memoryBytes: memory)
            #expect(text == reference.arpaText(), "\(corpus) order \(options.order), \(memory) bytes")
            #expect(summary.counts == reference.counts && summary.discounts == reference.discounts && summary.messages == reference.messages)
            #expect(summary.wordCount == reference.wordCount && summary.sentenceCount == reference.sentenceCount)
        }
    }

    @Test("without discount_fallback a corpus that needs it fails as in memory; an empty corpus is an error")
    func errors() throws {
        #expect(throws: DecodingError.self) { try streamed("atis_tiny10.txt", KneserNeyOptions(order: 3), memoryBytes: 1) }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("tao-empty-\(UUID().uuidString).txt")
        try Data("\n  \n".utf8).write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: DecodingError.emptyCorpus(file: empty.path)) {
            try KneserNeyEstimator.writeARPA(corpus: empty.path, options: .init(order: 2), memoryBytes: 1, to: empty.path + ".arpa")
        }
    }

    @Test("reading a corpus in 7-byte blocks gives the tokens of reading it whole; a bad line is named across blocks")
    func corpusBlocks() throws {
        let whole = try NGramCorpus(path: fixture("atis_tiny10.txt"))
        var tokens: [UInt32] = []
        let streamed = try NGramCorpus.stream(path: fixture("atis_tiny10.txt"), blockBytes: 7) { tokens += $0 }
        #expect(tokens == whole.tokens && streamed.words == whole.words)
        #expect(streamed.sentenceCount == whole.sentenceCount && streamed.wordCount == whole.wordCount)
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("tao-bad-\(UUID().uuidString).txt")
        try Data(Array("one two\nthree four five\n\nsix\nseven ".utf8) + [0xFF] + Array(" eight\n".utf8)).write(to: bad)
        defer { try? FileManager.default.removeItem(at: bad) }
        #expect(throws: DecodingError.invalidUTF8(file: bad.path, line: 5)) { try NGramCorpus.stream(path: bad.path, blockBytes: 7) { _ in } }
    }

    @Test("the external sorter with many runs sums counts like a dictionary and orders keys")
    func sorter() throws {
        var generator = SystemRandomNumberGenerator()
        let keys = (0..<20_000).map { _ in UInt128(UInt64.random(in: 0..<3000, using: &generator)) << 70 | UInt128(UInt64.random(in: 0..<4, using: &generator)) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tao-sorter-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sorter = ExternalSorter(memoryBytes: 1, bits: 128, summing: true, directory: directory)
        for key in keys { try sorter.add(NGramRecord(key: key, a: 2)) }
        let stream = try sorter.sorted()
        var merged: [(UInt128, UInt64)] = []
        while let record = try stream.next() { merged.append((record.key, record.a)) }
        let expected = Dictionary(keys.map { ($0, UInt64(2)) }, uniquingKeysWith: +).sorted { $0.key < $1.key }
        #expect(merged.map(\.0) == expected.map(\.key) && merged.map(\.1) == expected.map(\.value))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty, "runs are deleted once read")
    }
}
