import Foundation
import Testing
import TAOTensor
@testable import TAOToolkit

private func fixture(_ name: String) throws -> URL {
    try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/archive"))
}

private func sampleArchive() -> ModelArchive {
    var archive = ModelArchive()
    archive[ModelArchive.configName] = Data("model:\n  labels: [a, b]\n".utf8)
    archive[ModelArchive.weightsName] = Data((0..<5000).map { UInt8($0 % 251) })
    archive["tokenizer/" + String(repeating: "t", count: 120) + ".model"] = Data("piece".utf8)
    archive["empty.txt"] = Data()
    return archive
}

@Test("a .tao archive round-trips, plain and encrypted")
func archiveRoundTrip() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tao-archive-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let archive = sampleArchive()
    let plain = directory.appendingPathComponent("plain.tao"), secret = directory.appendingPathComponent("secret.tao")
    try archive.write(to: plain)
    try archive.write(to: secret, key: "nvidia_tlt")
    #expect(try ModelArchive.read(from: plain) == archive)
    #expect(try ModelArchive.read(from: secret, key: "nvidia_tlt") == archive)
    // The encrypted file does not show its contents.
    let bytes = try Data(contentsOf: secret)
    #expect(bytes.range(of: Data("labels".utf8)) == nil)
}

@Test("an encrypted archive without a key, or with a wrong key, is a clear error")
func archiveKeyErrors() throws {
    let data = try ArchiveCipher.encrypt(try Tar.archive(sampleArchive().members), key: "right")
    #expect(throws: ArchiveError.encryptedNeedsKey(path: "m.tao")) { try ModelArchive.decode(data, path: "m.tao") }
    #expect(throws: ArchiveError.wrongKey(path: "m.tao")) { try ModelArchive.decode(data, path: "m.tao", key: "wrong") }
    var flipped = data
    flipped[flipped.count - 40] ^= 0x01
    #expect(throws: ArchiveError.wrongKey(path: "m.tao")) { try ModelArchive.decode(flipped, path: "m.tao", key: "right") }
}

@Test("archives written by GNU tar (ustar and GNU long names) are read")
func readsGNUTar() throws {
    let config = try Data(contentsOf: try fixture("model_config.yaml"))
    let weights = try Data(contentsOf: try fixture("weights.bin"))
    let ustar = try ModelArchive.read(from: try fixture("ustar.tar"))
    #expect(ustar.members.map(\.name) == ["model_config.yaml", "weights.bin"])
    #expect(ustar["model_config.yaml"] == config)
    #expect(ustar["weights.bin"] == weights)
    let gnu = try ModelArchive.read(from: try fixture("gnu.tar"))
    let long = String(repeating: "d", count: 60) + "/" + String(repeating: "f", count: 70) + ".txt"
    #expect(gnu[long] == Data("long name\n".utf8))
    #expect(gnu["weights.bin"] == weights)
}

@Test("GNU tar lists and extracts what tao writes")
func gnuTarReadsTao() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tar") else { return }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tao-gnutar-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("m.tao")
    try sampleArchive().write(to: file)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
    process.arguments = ["-xf", file.path, "-C", directory.path]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let extracted = try Data(contentsOf: directory.appendingPathComponent(ModelArchive.weightsName))
    #expect(extracted == sampleArchive()[ModelArchive.weightsName])
}

@Test("damaged archives are errors naming the file, never crashes", arguments: [0, 1, 2, 3])
func damagedArchives(seed: Int) throws {
    let original = try Tar.archive(sampleArchive().members)
    var generator = RandomGenerator(seed: UInt64(seed))
    for _ in 0..<250 {
        var data = original
        switch generator.next() % 3 {
        case 0: data = data.prefix(Int(generator.next() % UInt64(data.count)))
        case 1:
            for _ in 0..<4 { let index = Int(generator.next() % UInt64(data.count)); data[index] ^= UInt8(generator.next() & 0xff) }
        default: data = Data((0..<Int(generator.next() % 2000)).map { _ in UInt8(generator.next() & 0xff) })
        }
        do {
            _ = try ModelArchive.decode(data, path: "x.tao")
        } catch let error as ArchiveError {
            #expect(error.description.hasPrefix("x.tao"))
        }
    }
    #expect(throws: ArchiveError.self) { try ModelArchive.decode(original.prefix(700), path: "x.tao") }
}

/// `archive` with the first member's size field set to `size` and its header checksum made valid again.
private func withFirstSizeField(_ size: String, in archive: Data) -> Data {
    var data = archive
    let field = Array(size.utf8) + [UInt8](repeating: 0, count: 12 - size.utf8.count)
    data.replaceSubrange(124..<136, with: field)
    data.replaceSubrange(148..<156, with: [UInt8](repeating: UInt8(ascii: " "), count: 8))
    let sum = data.prefix(512).reduce(0) { $0 + Int($1) }
    let checksum = Array(String(sum, radix: 8).utf8)
    data.replaceSubrange(148..<156, with: [UInt8](repeating: UInt8(ascii: "0"), count: 6 - checksum.count) + checksum + [0, 32])
    return data
}

@Test("a member whose size field is negative or larger than the file is 'not a valid .tao archive', not a crash",
      arguments: ["-1", "-7777", "+12", "77777777777"])
func badMemberSize(size: String) throws {
    let data = withFirstSizeField(size, in: try Tar.archive(sampleArchive().members))
    let error = #expect(throws: ArchiveError.self) { try ModelArchive.decode(data, path: "x.tao") }
    let message = error.map { "\($0)" } ?? ""
    #expect(message.hasPrefix("x.tao: not a valid .tao archive: "), "\(message)")
    #expect(message.contains(size.hasPrefix("7") ? "truncated" : "unreadable member size at byte 0"), "\(message)")
}

@Test("an archive with a member copied from a file (in 1 MB blocks, long name included) reads back like one built in memory")
func archiveWithFileMember() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tao-archive-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let large = Data((0..<(3 << 20) + 77).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    let source = directory.appendingPathComponent("large.bin")
    try large.write(to: source)
    let longName = "lm/" + String(repeating: "n", count: 130) + ".arpa"
    var expected = sampleArchive()
    expected[longName] = large
    let output = directory.appendingPathComponent("file-member.tao")
    try ModelArchive.write(sampleArchive().members, fileMember: (longName, source), to: output)
    #expect(try ModelArchive.read(from: output) == expected)
    #expect(throws: ArchiveError.self) {
        try ModelArchive.write([], fileMember: ("x", directory.appendingPathComponent("missing")), to: output)
    }
}
