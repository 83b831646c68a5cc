import Foundation
import Testing
@testable import TAOAudio

/// Parity with the goldens in Fixtures (NeMo's recipe in numpy/librosa, float64; see Fixtures/README.md).
@Suite("LogMelFeaturizer parity")
struct LogMelParityTests {
    struct Frames: Decodable {
        let frames: Int
        let kept: [Int]
    }

    /// `features` at the golden's kept frames, as a flat [rows, kept] array.
    func keptColumns(_ features: Features, _ kept: [Int]) -> [Float] {
        (0..<features.featureCount).flatMap { row in kept.map { features[row, $0] } }
    }

    func config(mels: Int, padMode: String) -> PreprocessorConfig {
        // The reflect goldens use a 25 ms window for 80 mels (Citrinet); the constant ones a 20 ms window for both.
        var config = mels == 64 || padMode == "constant" ? PreprocessorConfig.quartzNet : PreprocessorConfig.citrinet
        config.features = mels
        config.stftPadMode = padMode
        config.padTo = 0
        return config
    }

    @Test("features match the goldens to 1e-4 after and before normalization", arguments: [
        (64, "reflect", "tao_"), (80, "reflect", "tao_"), (64, "constant", ""), (80, "constant", ""),
    ])
    func parity(mels: Int, padMode: String, prefix: String) throws {
        let frames = try JSONDecoder().decode(Frames.self, from: Data(contentsOf: fixture("golden_frames.json")))
        let audio = try AudioFile.read(fixture("golden_utt_16k.wav"))
        let featurizer = try LogMelFeaturizer(config(mels: mels, padMode: padMode))

        let features = try featurizer.features(of: audio.samples)
        let reference = try NPY.readFeatures(fixture("\(prefix)features_\(mels)_kept.npy"))
        #expect(features.shape == [mels, frames.frames])
        #expect(features.validFrames == (padMode == "reflect" ? frames.frames : frames.frames - 1))
        #expect(reference.shape == [mels, frames.kept.count])
        #expect(maxAbsDifference(keptColumns(features, frames.kept), reference.values) <= 1e-4)

        let logMel = try featurizer.logMel(of: audio.samples)
        let prenorm = try NPY.readFeatures(fixture("\(prefix)logmel_prenorm_\(mels)_kept.npy"))
        #expect(logMel.shape == [mels, frames.frames])
        #expect(maxAbsDifference(keptColumns(logMel, frames.kept), prenorm.values) <= 1e-4)
    }

    @Test("pad_to 16 pads 378 frames to 384 with pad_value")
    func padTo() throws {
        let audio = try AudioFile.read(fixture("golden_utt_16k.wav"))
        var config = PreprocessorConfig.quartzNet
        config.padValue = -1
        let features = try LogMelFeaturizer(config).features(of: audio.samples)
        #expect(features.shape == [64, 384] && features.validFrames == 378)
        #expect((378..<384).allSatisfy { features[5, $0] == -1 })
        #expect(features.prefix(frames: 378) == (try LogMelFeaturizer({ var c = config; c.padTo = 0; return c }()).features(of: audio.samples)))
    }
}
