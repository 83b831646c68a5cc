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

@Test("a target whose wav/ folder would be the source, or inside it, is refused before any audio is written")
func targetInsideSource() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("tao-folder-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let source = root.appendingPathComponent("wav"), original = source.appendingPathComponent("a.wav")
    try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
    try AudioFile.writeWAV(try fixtureSamples("cards_001"), sampleRate: 22050, to: original)
    try write("ten of clubs\n", to: source.appendingPathComponent("a.txt"))
    let before = try Data(contentsOf: original)
    for target in [root, source] {
        #expect(throws: SpeechError.badDataset(path: target.path, reason: "its wav/ folder, where the converted audio goes, is inside "
                                               + "source_data_dir \(source.path); give a target_data_dir outside it")) {
            try SpeechDatasetConverter.convert(.folder, source: source, target: target, sampleRate: 16000, normalize: lowercase)
        }
    }
    #expect(try Data(contentsOf: original) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: source.path).sorted() == ["a.txt", "a.wav"])
}

@Test("in a folder, a transcript that is not UTF-8 is named as such, and two audio files with one stem never share an output")
func folderTranscriptEncodingAndStemClash() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("tao-folder-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let source = root.appendingPathComponent("in")
    try FileManager.default.createDirectory(at: source.appendingPathComponent("sub"), withIntermediateDirectories: true)
    try AudioFile.writeWAV(try fixtureSamples("espeak_us_fox"), sampleRate: 16000, to: source.appendingPathComponent("b.wav"))
    try (Data("the qu".utf8) + Data([0xEB]) + Data("ck brown fox\n".utf8)).write(to: source.appendingPathComponent("b.txt"))  // Latin-1 ë
    try AudioFile.writeFLAC(try fixtureSamples("cards_001"), sampleRate: 16000, to: source.appendingPathComponent("a.flac"))
    try AudioFile.writeWAV(try fixtureSamples("flite_kal_weather"), sampleRate: 16000, to: source.appendingPathComponent("a.wav"))
    try write("ten of clubs\n", to: source.appendingPathComponent("a.txt"))
    try AudioFile.writeWAV(try fixtureSamples("flite_slt_numbers"), sampleRate: 16000, to: source.appendingPathComponent("sub/a.wav"))
    try write("call me\n", to: source.appendingPathComponent("sub/a.txt"))
    try AudioFile.writeWAV(try fixtureSamples("cards_001"), sampleRate: 16000, to: source.appendingPathComponent("sub_a.wav"))
    try write("ten of clubs\n", to: source.appendingPathComponent("sub_a.txt"))
    let target = root.appendingPathComponent("out")
    let report = try SpeechDatasetConverter.convert(.folder, source: source, target: target, sampleRate: 16000, normalize: lowercase)
    #expect(report.skipped.contains(source.appendingPathComponent("b.wav").path + ": transcript b.txt is not valid UTF-8 (convert it to UTF-8)"),
            "\(report.skipped)")
    #expect(report.skipped.contains(source.appendingPathComponent("a.wav").path + ": its output wav/a.wav is already written from "
                                    + source.appendingPathComponent("a.flac").path + " (rename one of them)"), "\(report.skipped)")
    #expect(report.skipped.contains { $0.hasPrefix(source.appendingPathComponent("sub_a.wav").path + ": its output wav/sub_a.wav") },
            "\(report.skipped)")
    #expect(report.skipped.count == 3)
    // What was written is the first file of each name, unchanged by the later ones.
    let contents = try Manifest.read(target.appendingPathComponent("manifest.json").path)
    #expect(contents.entries.map { $0.text.trimmingCharacters(in: .newlines) } == ["ten of clubs", "call me"])
    let written = try AudioFile.read(target.appendingPathComponent("wav/a.wav")).samples
    #expect(written.count == (try fixtureSamples("cards_001")).count)
}
