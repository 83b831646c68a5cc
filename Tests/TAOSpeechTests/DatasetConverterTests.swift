import Foundation
import Testing
import TAOAudio
@testable import TAOSpeech

private func fixtureSamples(_ name: String) throws -> [Float] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "wav", subdirectory: "Fixtures"))
    return try AudioFile.read(url).samples
}

private func write(_ text: String, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
}

private func lowercase(_ text: String) -> String { text.lowercased() }

@Test("a fabricated LibriSpeech tree becomes one 16 kHz WAV manifest per split")
func convertsLibriSpeech() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("tao-libri-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let chapter = root.appendingPathComponent("LibriSpeech/dev-clean/84/121123")
    try FileManager.default.createDirectory(at: chapter, withIntermediateDirectories: true)
    try AudioFile.writeFLAC(try fixtureSamples("cards_001"), sampleRate: 16000, to: chapter.appendingPathComponent("84-121123-0000.flac"))
    try AudioFile.writeFLAC(try fixtureSamples("flite_kal_weather"), sampleRate: 16000, to: chapter.appendingPathComponent("84-121123-0001.flac"))
    try write("84-121123-0000 TEN OF CLUBS\n84-121123-0001 THE WEATHER IS NICE TODAY\n84-121123-0002 NO AUDIO FOR THIS ONE\n",
              to: chapter.appendingPathComponent("84-121123.trans.txt"))
    let target = root.appendingPathComponent("out")
    let report = try SpeechDatasetConverter.convert(.librispeech, source: root.appendingPathComponent("LibriSpeech"), target: target,
                                                    sampleRate: 16000, normalize: lowercase)
    #expect(report.manifests.map(\.url.lastPathComponent) == ["dev-clean_manifest.json"])
    #expect(report.manifests.first?.utterances == 2)
    #expect(report.skipped.count == 1 && report.skipped[0].contains("84-121123-0002"))
    let contents = try Manifest.read(target.appendingPathComponent("dev-clean_manifest.json").path)
    #expect(contents.entries.map(\.text) == ["ten of clubs", "the weather is nice today"])
    let info = try AudioFile.info(URL(fileURLWithPath: contents.entries[0].audioFilepath))
    #expect(info.sampleRate == 16000 && info.channels == 1)
}

@Test("a fabricated AN4 tree becomes train and test manifests; a bad transcription line names file and line")
func convertsAN4() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("tao-an4-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let an4 = root.appendingPathComponent("an4")
    try FileManager.default.createDirectory(at: an4.appendingPathComponent("wav/an4_clstk/fash"), withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: an4.appendingPathComponent("wav/an4test_clstk/fcaw"), withIntermediateDirectories: true)
    // 8 kHz audio: the converter resamples it to the model's rate.
    let samples = try fixtureSamples("flite_slt_numbers")
    try AudioFile.writeWAV(Swift.stride(from: 0, to: samples.count, by: 2).map { samples[$0] }, sampleRate: 8000,
                           to: an4.appendingPathComponent("wav/an4_clstk/fash/an251-fash-b.wav"))
    try AudioFile.writeWAV(try fixtureSamples("cards_001"), sampleRate: 16000, to: an4.appendingPathComponent("wav/an4test_clstk/fcaw/cen1-fcaw-b.wav"))
    try write("<s> CALL ME AT FOUR FIVE SIX SEVEN </s> (an251-fash-b)\n", to: an4.appendingPathComponent("etc/an4_train.transcription"))
    try write("<s> TEN OF CLUBS </s> (cen1-fcaw-b)\n", to: an4.appendingPathComponent("etc/an4_test.transcription"))
    let target = root.appendingPathComponent("out")
    let report = try SpeechDatasetConverter.convert(.an4, source: an4, target: target, sampleRate: 16000, normalize: lowercase)
    #expect(report.manifests.map(\.url.lastPathComponent) == ["train_manifest.json", "test_manifest.json"])
    #expect(report.manifests.map(\.utterances) == [1, 1])
    let train = try Manifest.read(target.appendingPathComponent("train_manifest.json").path)
    #expect(train.entries.first?.text == "call me at four five six seven")
    #expect(abs((train.entries.first?.duration ?? 0) - Double(samples.count) / 16000) < 0.01)
    try write("<s> BROKEN LINE WITHOUT ID </s>\n", to: an4.appendingPathComponent("etc/an4_test.transcription"))
    #expect(throws: SpeechError.badManifestLine(path: an4.appendingPathComponent("etc/an4_test.transcription").path, line: 1,
                                                reason: "expected '<s> TEXT </s> (ID)'")) {
        try SpeechDatasetConverter.convert(.an4, source: an4, target: target, sampleRate: 16000, normalize: lowercase)
    }
}

@Test("a folder of audio with same-named transcripts converts; audio without one is reported")
func convertsFolder() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("tao-folder-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.createDirectory(at: root.appendingPathComponent("in/sub"), withIntermediateDirectories: true)
    try AudioFile.writeWAV(try fixtureSamples("cards_001"), sampleRate: 16000, to: root.appendingPathComponent("in/sub/a.wav"))
    try write("Ten of Clubs\n", to: root.appendingPathComponent("in/sub/a.txt"))
    try AudioFile.writeWAV(try fixtureSamples("cards_001"), sampleRate: 16000, to: root.appendingPathComponent("in/b.wav"))
    let report = try SpeechDatasetConverter.convert(.folder, source: root.appendingPathComponent("in"), target: root.appendingPathComponent("out"),
                                                    sampleRate: 16000, normalize: lowercase)
    #expect(report.manifests.first?.utterances == 1)
    #expect(report.skipped.count == 1 && report.skipped[0].contains("b.wav: no transcript"))
    #expect(throws: SpeechError.self) {
        try SpeechDatasetConverter.convert(.librispeech, source: root.appendingPathComponent("in"), target: root.appendingPathComponent("out"),
                                           sampleRate: 16000, normalize: lowercase)
    }
}
