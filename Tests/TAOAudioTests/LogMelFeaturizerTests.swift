import Foundation
import Testing
@testable import TAOAudio

@Suite("LogMelFeaturizer")
struct LogMelFeaturizerTests {
    let speech = noise(count: 16000, seed: 21)

    @Test("frame counts: 1 + L / hop frames; reflect: all valid; constant: L / hop valid, last frame = pad_value")
    func frameCounts() throws {
        var config = PreprocessorConfig()
        config.padTo = 0
        for count in [1, 159, 160, 161, 16000] {
            let reflect = try LogMelFeaturizer(config).features(of: Array(speech.prefix(count)))
            #expect(reflect.frameCount == 1 + count / 160 && reflect.validFrames == reflect.frameCount)
        }
        config.stftPadMode = "constant"
        config.padValue = 7
        let constant = try LogMelFeaturizer(config).features(of: speech)
        #expect(constant.frameCount == 101 && constant.validFrames == 100 && constant[3, 100] == 7)
    }

    @Test("the batch API on two threads equals one utterance at a time")
    func batch() throws {
        let featurizer = try LogMelFeaturizer(.quartzNet)
        let batch = (0..<7).map { noise(count: 4000 + 997 * $0, seed: UInt64($0)) }
        let together = try featurizer.features(ofBatch: batch, threads: 2)
        #expect(together == (try batch.map { try featurizer.features(of: $0) }))
    }

    @Test("dither only in training, seeded: same seed same features, and independent of thread count")
    func dither() throws {
        let featurizer = try LogMelFeaturizer(.quartzNet)
        let silence = [Float](repeating: 0, count: 8000) + speech.prefix(8000)
        var a = SeededGenerator(seed: 1), b = SeededGenerator(seed: 1), c = SeededGenerator(seed: 2)
        let eval = try featurizer.features(of: silence)
        let first = try featurizer.features(of: silence, training: true, rng: &a)
        let second = try featurizer.features(of: silence, training: true, rng: &b)
        let other = try featurizer.features(of: silence, training: true, rng: &c)
        #expect(first == second && first != other && first != eval)
        #expect(try featurizer.features(of: silence, training: false, rng: &c) == eval)
        var r1 = SeededGenerator(seed: 5), r2 = SeededGenerator(seed: 5)
        let batch = [silence, speech, silence]
        #expect(try featurizer.features(ofBatch: batch, training: true, threads: 1, rng: &r1)
            == (try featurizer.features(ofBatch: batch, training: true, threads: 2, rng: &r2)))
    }

    @Test("normalization: per_feature rows have mean 0 and std about 1; all_features the whole block; none leaves the log-mel")
    func normalization() throws {
        var config = PreprocessorConfig()
        config.padTo = 0
        let perFeature = try LogMelFeaturizer(config).features(of: speech)
        for row in [0, 31, 63] {
            let values = (0..<perFeature.frameCount).map { Double(perFeature[row, $0]) }
            let mean = values.reduce(0, +) / Double(values.count)
            let std = sqrt(values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1))
            #expect(abs(mean) < 1e-5 && abs(std - 1) < 1e-3)
        }
        config.normalize = "all_features"
        let all = try LogMelFeaturizer(config).features(of: speech).values.map(Double.init)
        #expect(abs(all.reduce(0, +) / Double(all.count)) < 1e-5)
        config.normalize = "none"
        let raw = try LogMelFeaturizer(config)
        #expect(try raw.features(of: speech).values == (try raw.logMel(of: speech).values))
    }

    @Test("frame splicing stacks copies along the feature axis, as NeMo's splice_frames does")
    func splicing() throws {
        var config = PreprocessorConfig()
        config.frameSplicing = 3
        let spliced = try LogMelFeaturizer(config).features(of: speech)
        #expect(spliced.featureCount == 192)
        #expect(Array(spliced.values[0..<(64 * spliced.frameCount)]) == Array(spliced.values[(128 * spliced.frameCount)...]))
    }

    @Test("every window, log off, clamp guard, magnitude power 1 and no pre-emphasis give finite features", arguments: WindowFunction.allCases)
    func variants(window: WindowFunction) throws {
        var config = PreprocessorConfig()
        config.window = window.rawValue
        config.magPower = 1
        config.preemph = nil
        config.logZeroGuardType = "clamp"
        let features = try LogMelFeaturizer(config).features(of: speech)
        #expect(features.values.allSatisfy { $0.isFinite })
        config.log = false
        config.normalize = "none"
        #expect(try LogMelFeaturizer(config).logMel(of: speech).values.allSatisfy { $0 >= 0 })
    }

    @Test("an empty or non-finite signal and a bad config are typed errors")
    func errors() throws {
        let featurizer = try LogMelFeaturizer(.quartzNet)
        #expect(throws: AudioError.zeroLength(file: "audio signal")) { try featurizer.features(of: []) }
        #expect(throws: AudioError.nonFiniteSample(file: "audio signal", index: 2)) { try featurizer.features(of: [0, 0, .infinity]) }
        var config = PreprocessorConfig()
        config.features = 0
        #expect(throws: AudioError.self) { try LogMelFeaturizer(config) }
    }

    @Test("the vector log agrees with Foundation's log to 1e-6 relative over many magnitudes")
    func vectorLogAccuracy() {
        var worst: Float = 0
        var x: Float = 1e-30
        while x < 1e30 {
            let v = (0..<8).map { fastLog(x * (1 + Float($0) / 8)) }
            for lane in 0..<8 {
                let exact = log(Double(Float(Double(x) * (1 + Double(lane) / 8))))
                worst = max(worst, Float(abs(Double(v[lane]) - exact) / max(1, abs(exact))))
            }
            x *= 1.7
        }
        #expect(worst < 1e-6)
    }
}

@Test("dither noise is standard normal: mean 0, variance 1, 95% within 1.96")
func gaussianSampler() {
    var rng = SeededGenerator(seed: 99)
    var sampler = GaussianSampler()
    let values = (0..<100_000).map { _ in Double(sampler.next(using: &rng)) }
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
    let inside = Double(values.filter { abs($0) < 1.96 }.count) / Double(values.count)
    #expect(abs(mean) < 0.02 && abs(variance - 1) < 0.02 && abs(inside - 0.95) < 0.005)
}

@Test("mel_norm null leaves the filters with peak 1 instead of unit area")
func melNorm() {
    let slaney = MelFilterbank(bandCount: 64, nFFT: 512, sampleRate: 16000).dense
    let peak = MelFilterbank(bandCount: 64, nFFT: 512, sampleRate: 16000, slaneyNorm: false).dense
    // Band 40's peak is 1 without normalization; with it, every band's weights times the bin width (31.25 Hz) sum to 1.
    let band40: [Float] = (0..<257).map { peak[40 * 257 + $0] }
    let top: Float = band40.max() ?? 0
    #expect(abs(top - 1) < 0.05)
    for band in [20, 40, 63] {
        let weights: [Float] = (0..<257).map { slaney[band * 257 + $0] }
        let area: Float = weights.reduce(0, +) * 31.25
        #expect(abs(area - 1) < 0.1)
    }
}
