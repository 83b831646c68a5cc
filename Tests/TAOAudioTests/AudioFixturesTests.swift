import Foundation
import Testing
@testable import TAOAudio

/// The repository's audio-fixtures folder (made by scripts/make_audio_fixtures.sh): every file decodes, resamples to
/// 16 kHz and featurizes, and has its transcript.
@Suite("audio-fixtures")
struct AudioFixturesTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("audio-fixtures")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { ["wav", "flac", "ogg"].contains(($0 as NSString).pathExtension) }.sorted()
    }

    @Test("the folder holds the promised variety: 16 kHz WAVs, 44.1 kHz stereo, 8 kHz mu-law, FLAC, OGG")
    func variety() throws {
        let infos = try Self.files.map { try AudioFile.info(Self.folder.appendingPathComponent($0)) }
        #expect(infos.count >= 12)
        #expect(infos.contains { $0.sampleRate == 44100 && $0.channels == 2 })
        #expect(infos.contains { $0.sampleRate == 8000 && $0.encoding == "U-Law" })
        #expect(infos.contains { $0.container.hasPrefix("FLAC") } && infos.contains { $0.encoding == "Vorbis" })
    }

    @Test("each file decodes, resamples to 16 kHz, featurizes and has a transcript", arguments: files)
    func decodes(file: String) throws {
        let url = Self.folder.appendingPathComponent(file)
        let clip = try AudioFile.read(url, resamplingTo: 16000)
        #expect(clip.duration > 0.8 && clip.duration < 5)
        let features = try LogMelFeaturizer(.quartzNet).features(of: clip.samples)
        #expect(features.values.allSatisfy { $0.isFinite })
        let transcript = try String(contentsOf: url.deletingPathExtension().appendingPathExtension("txt"), encoding: .utf8)
        #expect(transcript.allSatisfy { $0.isLowercase || $0 == " " || $0 == "\n" || $0 == "'" })
    }
}
