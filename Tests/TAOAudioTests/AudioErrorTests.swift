import Foundation
import Testing
@testable import TAOAudio

/// Each bad input gives its own typed error naming the file.
@Suite("Audio errors")
struct AudioErrorTests {
    let dir: URL
    init() throws { dir = try temporaryDirectory() }

    func file(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    func wav(_ name: String, _ samples: [Float], rate: Int = 16000, encoding: SampleEncoding = .pcm16) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try AudioFile.writeWAV(samples, sampleRate: rate, encoding: encoding, to: url)
        return url
    }

    @Test("a missing file, a folder and an empty file")
    func missingAndEmpty() throws {
        let missing = dir.appendingPathComponent("nope.wav")
        #expect(throws: AudioError.fileNotFound(file: missing.path)) { try AudioFile.read(missing) }
        #expect { try AudioFile.read(dir) } throws: { ($0 as? AudioError).map { if case .unreadable = $0 { true } else { false } } ?? false }
        let empty = try file("empty.wav", [])
        #expect(throws: AudioError.emptyFile(file: empty.path)) { try AudioFile.read(empty) }
        #expect(throws: AudioError.emptyFile(file: "body")) { try AudioFile.read(bytes: [], name: "body") }
    }

    @Test("text is not audio")
    func notAudio() throws {
        let text = try file("notes.wav", Array("this is not a sound file, just some words\n".utf8))
        #expect { try AudioFile.read(text) } throws: { error in
            guard case let .notAudio(name, _) = error as? AudioError else { return false }
            return name == text.path && "\(error)".hasPrefix(text.path + ": not an audio file")
        }
    }

    @Test("files that fail to open on many threads at once each get their own reason, not another file's")
    func concurrentOpenFailures() throws {
        // libsndfile keeps a failed open's reason in one process-wide variable: read late, it can be another file's.
        let inputs: [(name: String, bytes: [UInt8], reason: String)] = [
            ("notes.txt", Array("this is not a sound file, just some words\n".utf8), "Format not recognised"),
            ("bad.flac", Array("fLaC".utf8) + [UInt8](repeating: 7, count: 60), "flac decoder"),
            ("bad.ogg", Array("OggS".utf8) + [UInt8](repeating: 0, count: 60), "unimplemented format"),
        ]
        final class Problems: @unchecked Sendable {
            let lock = NSLock()
            var found: [String] = []
            func add(_ problem: String) { lock.withLock { found.append(problem) } }
        }
        let problems = Problems()
        let files = try inputs.map { try file($0.name, $0.bytes) }
        DispatchQueue.concurrentPerform(iterations: 3000) { index in
            let input = inputs[index % inputs.count]
            do {
                // From a file and from memory: the two ways in.
                _ = index % 2 == 0 ? try AudioFile.read(files[index % inputs.count])
                                   : try AudioFile.read(bytes: input.bytes, name: input.name)
                problems.add("\(input.name) opened")
            } catch {
                if !"\(error)".contains(input.reason) { problems.add("\(error)") }
            }
        }
        #expect(problems.found.isEmpty, "\(problems.found.count) of 3000 wrong, e.g. \(problems.found.prefix(3))")
    }

    @Test("a WAV cut short is truncated")
    func truncated() throws {
        let whole = try wav("whole.wav", tone(440, sampleRate: 16000, count: 16000))
        let bytes = try [UInt8](Data(contentsOf: whole))
        let cut = try file("cut.wav", Array(bytes[0..<(bytes.count / 2)]))
        #expect { _ = try AudioFile.read(cut) } throws: { error in
            guard case let .truncated(name, expected, _) = error as? AudioError else { return false }
            return name == cut.path && expected == 16000
        }
        let flac = dir.appendingPathComponent("whole.flac")
        try AudioFile.writeFLAC(noise(count: 16000, seed: 1), sampleRate: 16000, to: flac)
        let flacBytes = try [UInt8](Data(contentsOf: flac))
        let cutFLAC = try file("cut.flac", Array(flacBytes[0..<(flacBytes.count / 2)]))
        #expect { _ = try AudioFile.read(cutFLAC) } throws: { error in
            guard case let .truncated(name, expected, read) = error as? AudioError else { return false }
            return name == cutFLAC.path && expected == 16000 && read < 16000
        }
    }

    @Test("a NaN or infinite sample names its index")
    func nonFinite() throws {
        var samples = tone(100, sampleRate: 16000, count: 1000)
        samples[123] = .nan
        let url = try wav("nan.wav", samples, encoding: .float32)
        #expect(throws: AudioError.nonFiniteSample(file: url.path, index: 123)) { try AudioFile.read(url) }
        samples[123] = 0
        samples[999] = -.infinity
        let inf = try wav("inf.wav", samples, encoding: .float32)
        #expect(throws: AudioError.nonFiniteSample(file: inf.path, index: 999)) { try AudioFile.read(inf) }
    }

    @Test("a WAV without samples is a zero-length signal")
    func zeroLength() throws {
        let url = try wav("silent.wav", [])
        #expect(throws: AudioError.zeroLength(file: url.path)) { try AudioFile.read(url) }
    }

    @Test("a rate the caller forbids and audio over the limit")
    func rateAndLength() throws {
        let url = try wav("8k.wav", tone(440, sampleRate: 8000, count: 8000), rate: 8000)
        #expect(throws: AudioError.sampleRateNotAllowed(file: url.path, sampleRate: 8000, allowed: "16000 Hz")) {
            try AudioFile.read(url, options: .init(allowedSampleRates: [16000]))
        }
        #expect(throws: AudioError.tooLong(file: url.path, seconds: 1, limit: 0.5)) {
            try AudioFile.read(url, options: .init(maxDuration: 0.5))
        }
        #expect(try AudioFile.read(url, options: .init(allowedSampleRates: [8000], maxDuration: 1)).samples.count == 8000)
    }

    @Test("a file whose rate cannot be converted to the model's names the file")
    func unconvertibleRate() throws {
        let url = try wav("1hz.wav", [Float](repeating: 0.1, count: 10), rate: 1)
        let reason = "cannot convert 1.0 Hz to 16000.0 Hz (ratio at most 256)"
        let error = #expect(throws: AudioError.resampling(file: url.path, reason: reason)) { try AudioFile.read(url, resamplingTo: 16000) }
        #expect(error.map { "\($0)" }?.hasPrefix(url.path + ": cannot resample: " + reason) == true)
        #expect(throws: AudioError.resampling(file: nil, reason: reason)) { try Resampler.resample([0.1], from: 1, to: 16000) }
    }

    @Test("a WAV whose codec libsndfile cannot decode is unsupported")
    func unsupportedEncoding() throws {
        // A WAV header claiming WMA (format tag 0x161), built by hand.
        func le(_ value: Int, _ bytes: Int) -> [UInt8] { (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        let fmt = le(0x161, 2) + le(1, 2) + le(16000, 4) + le(32000, 4) + le(2, 2) + le(16, 2) + le(0, 2)
        let data = [UInt8](repeating: 1, count: 1600)
        let body = Array("WAVE".utf8) + Array("fmt ".utf8) + le(fmt.count, 4) + fmt + Array("data".utf8) + le(data.count, 4) + data
        let url = try file("wma.wav", Array("RIFF".utf8) + le(body.count, 4) + body)
        #expect(throws: AudioError.unsupported(file: url.path, reason: "WAV format tag 0x161 (a codec libsndfile cannot decode)")) {
            try AudioFile.read(url)
        }
    }

    @Test("every message reads as one line: where, what, what to do")
    func messages() {
        let errors: [AudioError] = [
            .fileNotFound(file: "a.wav"), .truncated(file: "a.wav", expectedFrames: 10, readFrames: 5),
            .tooLong(file: "a.wav", seconds: 61.5, limit: 60), .invalidConfig(key: "n_fft", value: "0", expected: "an FFT length"),
        ]
        for error in errors {
            let text = "\(error)"
            #expect(!text.contains("\n") && text.hasSuffix(")") && text.contains(": "))
        }
        #expect("\(AudioError.tooLong(file: "a.wav", seconds: 61.5, limit: 60))".contains("61.5 s of audio exceeds the limit of 60 s"))
    }
}
