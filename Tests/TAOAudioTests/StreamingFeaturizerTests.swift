import Foundation
import Testing
@testable import TAOAudio

@Suite("StreamingFeaturizer")
struct StreamingFeaturizerTests {
    /// Runs `samples` through a stream in random chunk sizes (0 to `maxChunk`) and joins its frames.
    func streamed(_ samples: [Float], _ featurizer: LogMelFeaturizer, seed: UInt64, maxChunk: Int) throws -> Features {
        let stream = StreamingFeaturizer(featurizer)
        var rng = SeededGenerator(seed: seed)
        var parts: [Features] = []
        var start = 0
        while start < samples.count {
            let end = min(samples.count, start + Int.random(in: 0...maxChunk, using: &rng))
            parts.append(try stream.accept(Array(samples[start..<end])))
            start = end
        }
        parts.append(try stream.finish())
        let frames = parts.reduce(0) { $0 + $1.frameCount }, bands = featurizer.config.features
        var values = [Float](repeating: 0, count: bands * frames)
        var offset = 0
        for part in parts {
            for band in 0..<bands {
                for t in 0..<part.frameCount { values[band * frames + offset + t] = part[band, t] }
            }
            offset += part.frameCount
        }
        return Features(values: values, featureCount: bands, frameCount: frames, validFrames: frames)
    }

    @Test("streamed frames equal the offline log-mel bit for bit, whatever the chunk sizes", arguments: [
        ("reflect", 64, UInt64(1), 50), ("reflect", 80, 2, 3000), ("constant", 64, 3, 700), ("constant", 80, 4, 17),
    ])
    func equalsOffline(padMode: String, mels: Int, seed: UInt64, maxChunk: Int) throws {
        var config = mels == 64 ? PreprocessorConfig.quartzNet : PreprocessorConfig.citrinet
        config.stftPadMode = padMode
        let featurizer = try LogMelFeaturizer(config)
        let audio = try AudioFile.read(fixture("golden_utt_16k.wav")).samples
        let offline = try featurizer.logMel(of: audio)
        let online = try streamed(audio, featurizer, seed: seed, maxChunk: maxChunk)
        #expect(online.shape == offline.shape)
        #expect(online.values == offline.values)
    }

    @Test("streamed frames, post-processed, equal the offline features (normalized, masked, padded)", arguments: ["reflect", "constant"])
    func postprocessed(padMode: String) throws {
        var config = PreprocessorConfig.quartzNet
        config.stftPadMode = padMode
        let featurizer = try LogMelFeaturizer(config)
        let audio = try AudioFile.read(fixture("golden_utt_16k.wav")).samples
        let online = try streamed(audio, featurizer, seed: 12, maxChunk: 1000)
        #expect(featurizer.postprocess(online, sampleCount: audio.count) == (try featurizer.features(of: audio)))
    }

    @Test("frames come out as soon as their samples have arrived")
    func latency() throws {
        let featurizer = try LogMelFeaturizer(.quartzNet)
        let stream = StreamingFeaturizer(featurizer)
        // Reflect padding needs 257 samples; frame t needs samples up to 160 t + 159 (window 320 centred in 512).
        #expect(try stream.accept(noise(count: 257, seed: 5)).frameCount == 1)
        #expect(try stream.accept(noise(count: 160 + 159 - 257, seed: 6)).frameCount == 0)
        #expect(try stream.accept(noise(count: 1, seed: 7)).frameCount == 1)
        #expect(stream.frameCount == 2 && stream.sampleCount == 320)
        #expect(try stream.finish().frameCount == 1)
    }

    @Test("short signals, down to one sample, match offline")
    func shortSignals() throws {
        let featurizer = try LogMelFeaturizer(.quartzNet)
        for count in [1, 2, 100, 256, 257, 400] {
            let samples = noise(count: count, seed: UInt64(count))
            #expect(try streamed(samples, featurizer, seed: 9, maxChunk: 64).values == (try featurizer.logMel(of: samples).values))
        }
    }

    @Test("an empty stream and a NaN sample are errors")
    func errors() throws {
        let featurizer = try LogMelFeaturizer(.quartzNet)
        #expect(throws: AudioError.zeroLength(file: "audio stream")) { try StreamingFeaturizer(featurizer).finish() }
        let stream = StreamingFeaturizer(featurizer)
        _ = try stream.accept([0.1, 0.2])
        #expect(throws: AudioError.nonFiniteSample(file: "audio stream", index: 3)) { try stream.accept([0.3, .nan]) }
    }
}
