import Foundation
import Testing
@testable import TAOSpeech

/// A folder with two audio files (contents do not matter to the manifest reader) and a manifest.
private func makeManifest(_ lines: [String]) throws -> (folder: URL, manifest: URL) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tao-manifest-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("wav"), withIntermediateDirectories: true)
    for name in ["a.wav", "b.wav"] { try Data([1, 2, 3]).write(to: folder.appendingPathComponent("wav/" + name)) }
    let manifest = folder.appendingPathComponent("train.json")
    try lines.joined(separator: "\n").write(to: manifest, atomically: true, encoding: .utf8)
    return (folder, manifest)
}

private let labels = Set(" abcdefghijklmnopqrstuvwxyz'")

@Test("a manifest's good lines are kept, relative paths resolved against its folder")
func readsGoodLines() throws {
    let (folder, manifest) = try makeManifest([
        #"{"audio_filepath": "wav/a.wav", "duration": 1.5, "text": "go forward ten meters"}"#,
        "",
        #"{"audio_filepath": "wav/b.wav", "duration": 2.0, "text": "it's fine", "offset": 0.5}"#,
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let contents = try Manifest.read(manifest.path, rules: ManifestRules(labels: labels))
    #expect(contents.entries.count == 2)
    #expect(contents.entries[0].audioFilepath == folder.appendingPathComponent("wav/a.wav").standardizedFileURL.path)
    #expect(contents.entries[1].offset == 0.5)
    #expect(contents.duration == 3.5)
    #expect(contents.problems.isEmpty)
}

@Test("bad lines are reported with file and line, then skipped; strict mode fails on the first")
func reportsBadLines() throws {
    let (folder, manifest) = try makeManifest([
        #"{"audio_filepath": "wav/a.wav", "duration": 1.5, "text": "hello"}"#,
        #"{"audio_filepath": "wav/a.wav", "duration": 1.5, "text": "hel"#,
        #"{"audio_filepath": "wav/missing.wav", "duration": 1.0, "text": "hello"}"#,
        #"{"audio_filepath": "wav/b.wav", "text": "hello"}"#,
        #"{"audio_filepath": "wav/b.wav", "duration": 1.0, "text": "Hello, World!"}"#,
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let contents = try Manifest.read(manifest.path, rules: ManifestRules(labels: labels))
    #expect(contents.entries.count == 1)
    let messages = contents.problems.map(\.description)
    #expect(messages.count == 4)
    #expect(messages[0].hasPrefix(manifest.path + ":2: not a JSON object"))
    #expect(messages[1].hasPrefix(manifest.path + ":3: audio file") && messages[1].contains("does not exist"))
    #expect(messages[2] == manifest.path + ":4: no \"duration\" (a number of seconds)")
    #expect(messages[3].contains(":5: transcript has characters outside the labels: '!', ',', 'H', 'W'"))
    #expect(throws: SpeechError.badManifestLine(path: manifest.path, line: 2,
                                                reason: "not a JSON object (expected {\"audio_filepath\": ..., \"duration\": ..., \"text\": ...})")) {
        try Manifest.read(manifest.path, rules: ManifestRules(labels: labels, strict: true))
    }
}

@Test("duration must be a JSON number of seconds in (0, 24 h] and offset one of 0 or more; a wrong value is named, not called missing")
func checksDurationAndOffset() throws {
    let (folder, manifest) = try makeManifest([
        #"{"audio_filepath": "wav/a.wav", "duration": -1, "text": "a"}"#,
        #"{"audio_filepath": "wav/a.wav", "duration": true, "text": "a"}"#,
        #"{"audio_filepath": "wav/a.wav", "duration": "1.0", "text": "a"}"#,
        #"{"audio_filepath": "wav/a.wav", "duration": 1e300, "text": "a"}"#,
        #"{"audio_filepath": "wav/a.wav", "duration": 0, "text": "a"}"#,
        #"{"audio_filepath": "wav/a.wav", "duration": 1.0, "text": "a", "offset": -5}"#,
        #"{"audio_filepath": "wav/a.wav", "duration": 1.0, "text": "a", "offset": "abc"}"#,
        #"{"audio_filepath": "wav/a.wav", "duration": 1.0, "text": "a", "offset": false}"#,
        #"{"audio_filepath": "wav/a.wav", "duration": 86400, "text": "kept", "offset": null}"#,
        #"{"audio_filepath": "wav/b.wav", "duration": 0.5, "text": "kept", "offset": 0}"#,
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let contents = try Manifest.read(manifest.path)
    #expect(contents.entries.map(\.offset) == [nil, 0])
    let duration = ", expected a number of seconds above 0 and at most 86400 (24 hours)"
    let offset = ", expected a number of seconds, 0 or more"
    let reasons = [#""duration" is -1"#, #""duration" is true"#, #""duration" is "1.0""#, #""duration" is 1e+300"#,
                   #""duration" is 0"#].map { $0 + duration }
        + [#""offset" is -5"#, #""offset" is "abc""#, #""offset" is false"#].map { $0 + offset }
    #expect(contents.problems.map(\.description) == reasons.enumerated().map { "\(manifest.path):\($0.offset + 1): \($0.element)" })
    #expect(throws: SpeechError.badManifestLine(path: manifest.path, line: 1, reason: "\"duration\" is -1" + duration)) {
        try Manifest.read(manifest.path, rules: ManifestRules(strict: true))
    }
}

@Test("normalize_transcripts lowercases and drops characters outside the labels")
func normalizesTranscripts() throws {
    let (folder, manifest) = try makeManifest([#"{"audio_filepath": "wav/a.wav", "duration": 1.0, "text": "Hello,  World!"}"#])
    defer { try? FileManager.default.removeItem(at: folder) }
    let contents = try Manifest.read(manifest.path, rules: ManifestRules(labels: labels, normalizeTranscripts: true))
    #expect(contents.entries.map(\.text) == ["hello world"])
    #expect(contents.normalized == 1)
}

@Test("duration limits leave utterances out and count them; nothing left is an error")
func durationLimits() throws {
    let (folder, manifest) = try makeManifest([
        #"{"audio_filepath": "wav/a.wav", "duration": 0.05, "text": "a"}"#,
        #"{"audio_filepath": "wav/a.wav", "duration": 3.0, "text": "b"}"#,
        #"{"audio_filepath": "wav/b.wav", "duration": 30.0, "text": "c"}"#,
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    let contents = try Manifest.read(manifest.path, rules: ManifestRules(minDuration: 0.1, maxDuration: 16.7))
    #expect(contents.entries.map(\.text) == ["b"])
    #expect(contents.filteredByDuration == 2)
    #expect(throws: SpeechError.emptyManifest(path: manifest.path, skipped: 3, first: nil)) {
        try Manifest.read(manifest.path, rules: ManifestRules(minDuration: 100))
    }
}

@Test("a manifest with no usable line says why its first bad line was skipped (e.g. audio paths relative to another folder)")
func noUsableLineNamesTheFirstProblem() throws {
    let (folder, manifest) = try makeManifest([
        #"{"audio_filepath": "audio/a.wav", "duration": 1.0, "text": "a"}"#,
        #"{"audio_filepath": "audio/b.wav", "duration": 1.0, "text": "b"}"#,
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    do {
        _ = try Manifest.read(manifest.path)
        Issue.record("a manifest without usable lines was accepted")
    } catch {
        let message = "\(error)"
        #expect(message.hasPrefix(manifest.path + ": no usable utterances (2 lines skipped; the first: " + manifest.path + ":1: audio file"),
                "\(message)")
        #expect(message.contains("audio/a.wav") && message.contains("does not exist"), "\(message)")
    }
}

@Test("written manifests read back; several manifests join with commas")
func writeAndJoin() throws {
    let (folder, manifest) = try makeManifest([])
    defer { try? FileManager.default.removeItem(at: folder) }
    let a = folder.appendingPathComponent("wav/a.wav").path, b = folder.appendingPathComponent("wav/b.wav").path
    try Manifest.write([ManifestEntry(audioFilepath: a, duration: 1.25, text: "one \"quoted\" word")], to: manifest)
    let second = folder.appendingPathComponent("dev.json")
    try Manifest.write([ManifestEntry(audioFilepath: b, duration: 2, text: "two")], to: second)
    let contents = try Manifest.read(manifest.path + "," + second.path)
    #expect(contents.entries == [ManifestEntry(audioFilepath: a, duration: 1.25, text: "one \"quoted\" word"),
                                 ManifestEntry(audioFilepath: b, duration: 2, text: "two")])
    #expect(throws: SpeechError.unreadableManifest(path: folder.appendingPathComponent("nope.json").path, reason: "no such file")) {
        try Manifest.read(folder.appendingPathComponent("nope.json").path)
    }
}
