import Foundation
import Testing
@testable import TAOAudio

@Suite("PreprocessorConfig")
struct PreprocessorConfigTests {
    @Test("defaults are NeMo's: 16 kHz, 20 ms window, 10 ms hop, 512-point FFT, 64 mels, ...")
    func defaults() throws {
        let config = PreprocessorConfig()
        #expect(config.windowLength == 320 && config.hopLength == 160 && config.nFFT == 512 && config.features == 64)
        #expect(config.preemph == 0.97 && config.dither == 1e-5 && config.logZeroGuardValue == pow(2, -24))
        #expect(config.padTo == 16 && config.stftPadMode == "reflect" && config.normalize == "per_feature")
        #expect(PreprocessorConfig.citrinet.windowLength == 400)
        try config.validate()
    }

    @Test("decoding keeps defaults for missing keys; null disables preemph; unknown keys are ignored")
    func decoding() throws {
        let json = #"{"_target_": "nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor", "features": 80,"#
            + #" "window_size": 0.025, "preemph": null, "log_zero_guard_value": "tiny", "highfreq": 7600}"#
        let config = try JSONDecoder().decode(PreprocessorConfig.self, from: Data(json.utf8))
        #expect(config.features == 80 && config.windowLength == 400 && config.preemph == nil && config.highfreq == 7600)
        #expect(config.logZeroGuardValue == Double(Float.leastNormalMagnitude) && config.sampleRate == 16000 && config.padTo == 16)
        let roundTrip = try JSONDecoder().decode(PreprocessorConfig.self, from: JSONEncoder().encode(config))
        #expect(roundTrip == config)
        #expect(PreprocessorConfig.keys.contains("stft_pad_mode") && PreprocessorConfig.keys.contains("n_fft"))
        let unnormalized = try JSONDecoder().decode(PreprocessorConfig.self, from: Data(#"{"mel_norm": null}"#.utf8))
        #expect(unnormalized.melNorm == nil && PreprocessorConfig().melNorm == "slaney")
    }

    /// A config broken in one key.
    static func broken(_ key: String) -> PreprocessorConfig {
        var c = PreprocessorConfig()
        switch key {
        case "window_size": c.nFFT = 256  // the 320-sample window no longer fits
        case "window": c.window = "kaiser"
        case "normalize": c.normalize = "batch"
        case "preemph": c.preemph = 1.5
        case "highfreq": c.highfreq = 9000
        case "stft_pad_mode": c.stftPadMode = "edge"
        case "window_stride": c.windowStride = 1e-9
        case "sample_rate": c.sampleRate = 0
        default: c.features = -1
        }
        return c
    }

    @Test("validate names the key and the expectation", arguments: [
        "window_size", "window", "normalize", "preemph", "highfreq", "stft_pad_mode", "window_stride", "sample_rate", "features",
    ])
    func validation(key: String) {
        #expect {
            try Self.broken(key).validate()
        } throws: { error in
            guard case let .invalidConfig(badKey, _, _) = error as? AudioError else { return false }
            return badKey == key
        }
    }
}
