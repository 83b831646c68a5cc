import Foundation
import Testing
@testable import TAOToolkit

@Suite("TensorBoard event files")
struct TensorBoardWriterTests {
    @Test("CRC-32C matches the standard check value and the RFC 3720 vectors")
    func crc32cVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0 ..< 32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0 ..< 32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
    }

    @Test("masked CRC is the rotated CRC plus TFRecord's constant")
    func maskedCRC() {
        // 0xE3069283 rotated right by 15 = 0x2507C60D; plus 0xA282EAD8 = 0xC78AB0E5 (mod 2^32).
        #expect(CRC32C.masked(Array("123456789".utf8)) == 0xC78A_B0E5)
    }

    @Test("a framed record has length, length CRC, data, data CRC, and splits back")
    func recordFraming() throws {
        let data: [UInt8] = Array("hello".utf8)
        let record = TFRecord.frame(data)
        #expect(record.count == 8 + 4 + data.count + 4)
        #expect(Array(record[0 ..< 8]) == [5, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(record[12 ..< 17]) == data)
        #expect(TFRecord.records(in: record + TFRecord.frame([])) == [data, []])
        var corrupted = record
        corrupted[13] ^= 1
        #expect(TFRecord.records(in: corrupted) == nil)
        #expect(TFRecord.records(in: Array(record.dropLast())) == nil)
        #expect(TFRecord.records(in: Array(record.prefix(13))) == nil)
    }

    @Test("int64 varints: 300 takes two bytes, a negative step ten")
    func varints() {
        var positive = ProtobufBytes()
        positive.int64(field: 2, 300)
        #expect(positive.bytes == [0x10, 0xAC, 0x02])
        var negative = ProtobufBytes()
        negative.int64(field: 2, -1)
        #expect(negative.bytes == [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
    }

    @Test("the writer's bytes equal the file the tensorboard package wrote (scripts/tfevents_fixture.py)")
    func matchesTensorBoardFixture() throws {
        let directory = try makeRunTestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The same events as SCALARS in scripts/tfevents_fixture.py.
        let writer = TensorBoardWriter(directory: directory, host: "fixture")
        try writer.add([("loss", 2.5), ("learning_rate", 0.01)], step: 1, wallTime: 1_764_400_000.25)
        try writer.add([("loss", 1.75), ("learning_rate", 0.01), ("wer", 0.5)], step: 2, wallTime: 1_764_400_001.5)
        try writer.add([("loss", 0.0), ("wer", 0.125)], step: 300, wallTime: 1_764_400_007.125)
        try writer.add([("loss", -1.0)], step: 0, wallTime: 1_764_400_009.0)
        try writer.finish(RunOutcome(status: .success, message: "done"))

        let file = try #require(writer.fileURL)
        #expect(file.lastPathComponent == "events.out.tfevents.1764400000.fixture")
        let written = try [UInt8](Data(contentsOf: file))
        let expected = try [UInt8](Data(contentsOf: runFixtureURL("tfevents_scalars.bin")))
        #expect(written == expected)
        #expect(TFRecord.records(in: written)?.count == 5)
    }

    @Test("no scalars, no event file")
    func lazyFile() throws {
        let directory = try makeRunTestDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = TensorBoardWriter(directory: directory)
        try writer.record(ProgressReport(step: 1))
        try writer.finish(RunOutcome(status: .success, message: "done"))
        #expect(writer.fileURL == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
