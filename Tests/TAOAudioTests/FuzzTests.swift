import Foundation
import Testing
@testable import TAOAudio

/// Mutated audio files never crash the reader or the featurizer: each either decodes or throws an AudioError.
@Suite("Fuzz")
struct FuzzTests {
    /// Small valid files in the formats tao reads, as bytes.
    func seeds() throws -> [(String, [UInt8])] {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mono = tone(440, sampleRate: 8000, count: 1200), stereo = tone(300, sampleRate: 8000, count: 1600)
        var files: [(String, (URL) throws -> Void)] = [
            ("s16.wav", { try AudioFile.writeWAV(mono, sampleRate: 8000, to: $0) }),
            ("stereo.wav", { try AudioFile.writeWAV(stereo, sampleRate: 8000, channels: 2, encoding: .pcm24, to: $0) }),
            ("f32.wav", { try AudioFile.writeWAV(mono, sampleRate: 16000, encoding: .float32, to: $0) }),
            ("ulaw.wav", { try AudioFile.writeWAV(mono, sampleRate: 8000, encoding: .ulaw, to: $0) }),
            ("u8.wav", { try AudioFile.writeWAV(mono, sampleRate: 11025, encoding: .pcmU8, to: $0) }),
            ("x.flac", { try AudioFile.writeFLAC(mono, sampleRate: 8000, to: $0) }),
        ]
        files.append(("x.ogg", { try AudioFile.writeOggVorbis(tone(440, sampleRate: 8000, count: 4000), sampleRate: 8000, to: $0) }))
        return try files.map { name, write in
            let url = dir.appendingPathComponent(name)
            try write(url)
            return (name, try [UInt8](Data(contentsOf: url)))
        }
    }

    /// One random mutation: bit flips, a truncation, a lying header field, inserted or deleted bytes, or garbage.
    func mutate(_ bytes: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let i = Int.random(in: 0..<out.count, using: &rng)
                out[i] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            }
        case 1:
            out = Array(out.prefix(Int.random(in: 0..<out.count, using: &rng)))
        case 2:
            // A 16- or 32-bit header field (sizes, channels, rate, bits, chunk lengths) set to an extreme or random value.
            let offset = [4, 16, 20, 22, 24, 28, 32, 34, 36, 40, 42, 44, 8, 12, 18, 26].randomElement(using: &rng)!
            let value: UInt32 = [0, 1, 0xFFFF, 0xFFFF_FFFF, 0x7FFF_FFFF, UInt32.random(in: 0...UInt32.max, using: &rng)].randomElement(using: &rng)!
            for k in 0..<(Bool.random(using: &rng) ? 2 : 4) where offset + k < out.count {
                out[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(k)))
            }
        case 3:
            let i = Int.random(in: 0...out.count, using: &rng)
            out.insert(contentsOf: (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: i)
        case 4:
            let i = Int.random(in: 0..<out.count, using: &rng)
            out.removeSubrange(i..<min(out.count, i + Int.random(in: 1...64, using: &rng)))
        default:
            let start = Int.random(in: 0..<out.count, using: &rng)
            for i in start..<min(out.count, start + 256) { out[i] = UInt8.random(in: 0...255, using: &rng) }
        }
        return out
    }

    @Test("1,200 mutated files decode or throw AudioError, and what decodes featurizes")
    func mutatedFiles() throws {
        let seeds = try seeds()
        let featurizer = try LogMelFeaturizer(.quartzNet)
        var rng = SeededGenerator(seed: 20_260_601)
        var decoded = 0, rejected = 0
        for iteration in 0..<1200 {
            let (name, bytes) = seeds[iteration % seeds.count]
            let mutated = mutate(bytes, &rng)
            do {
                let clip = try AudioFile.read(bytes: mutated, name: name, options: .init(maxDuration: 30))
                let features = try featurizer.features(of: Array(clip.samples.prefix(16000)))
                #expect(features.featureCount == 64)
                decoded += 1
            } catch let error as AudioError {
                #expect(!"\(error)".isEmpty)
                rejected += 1
            }
        }
        #expect(decoded + rejected == 1200 && decoded > 100 && rejected > 100)
    }
}
