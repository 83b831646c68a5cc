/// The front end's settings: NeMo's `AudioToMelSpectrogramPreprocessor` keys (the spec's `model.preprocessor`
/// block) with NeMo's defaults, plus `stft_pad_mode`.
///
/// Times are in seconds, frequencies in Hz. Decoding accepts any subset of the keys (missing ones keep their
/// defaults; `preemph: null` and `highfreq: null` are meaningful) and ignores keys it does not know (such as
/// `_target_`); the spec layer reports unknown keys.
public struct PreprocessorConfig: Sendable, Equatable, Codable {
    /// Model sample rate, Hz.
    public var sampleRate: Int = 16000
    /// Analysis window length, s (0.02 = 320 samples at 16 kHz).
    public var windowSize: Double = 0.02
    /// Hop between frames, s (0.01 = 160 samples at 16 kHz).
    public var windowStride: Double = 0.01
    /// Window length in samples; overrides `windowSize` when set.
    public var nWindowSize: Int? = nil
    /// Hop in samples; overrides `windowStride` when set.
    public var nWindowStride: Int? = nil
    /// FFT length, samples (the window is zero-padded to it, centred).
    public var nFFT: Int = 512
    /// Number of mel bands.
    public var features: Int = 64
    /// Window function: hann, hamming, blackman, bartlett or none (rectangular); symmetric, as NeMo builds them.
    public var window: String = "hann"
    /// Normalization: per_feature, all_features or none.
    public var normalize: String = "per_feature"
    /// Gaussian noise standard deviation added in training only.
    public var dither: Double = 1e-5
    /// Pre-emphasis coefficient (`y[t] = x[t] - preemph * x[t-1]`, `y[0] = x[0]`); nil disables it.
    public var preemph: Double? = 0.97
    /// Take the natural log of the mel energies.
    public var log: Bool = true
    /// How the log avoids log(0): "add" (log(x + value)) or "clamp" (log(max(x, value))).
    public var logZeroGuardType: String = "add"
    /// The guard value, 2^-24 by default.
    public var logZeroGuardValue: Double = 0x1p-24
    /// Exponent applied to the magnitude spectrum (2 = power).
    public var magPower: Double = 2.0
    /// Lowest mel filter edge, Hz.
    public var lowfreq: Double = 0
    /// Highest mel filter edge, Hz; nil means sampleRate / 2.
    public var highfreq: Double? = nil
    /// Pad the frame count with `padValue` to a multiple of this (0 disables).
    public var padTo: Int = 16
    /// Value of frames past the valid length and of `padTo` padding.
    public var padValue: Double = 0
    /// NeMo's frame splicing: the feature matrix is repeated this many times along the feature axis.
    public var frameSplicing: Int = 1
    /// Mel filter normalization: "slaney" (each filter scaled to unit area, NeMo's default) or nil (peak 1).
    public var melNorm: String? = "slaney"
    /// Centre padding of the STFT: "reflect" (NeMo 1.x / TAO 3.x: 1 + L/hop frames, all valid) or "constant"
    /// (current NeMo: zeros, L/hop valid frames).
    public var stftPadMode: String = "reflect"

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sampleRate = "sample_rate", windowSize = "window_size", windowStride = "window_stride"
        case nWindowSize = "n_window_size", nWindowStride = "n_window_stride", nFFT = "n_fft", features, window
        case normalize, dither, preemph, log, logZeroGuardType = "log_zero_guard_type"
        case logZeroGuardValue = "log_zero_guard_value", magPower = "mag_power", lowfreq, highfreq
        case padTo = "pad_to", padValue = "pad_value", frameSplicing = "frame_splicing", stftPadMode = "stft_pad_mode"
        case melNorm = "mel_norm"
    }

    /// NeMo's defaults: QuartzNet's 64-mel front end.
    public init() {}

    /// QuartzNet: 64 mels, 20 ms window.
    public static let quartzNet = PreprocessorConfig()

    /// Citrinet: 80 mels, 25 ms window.
    public static var citrinet: PreprocessorConfig {
        var config = PreprocessorConfig()
        config.features = 80
        config.windowSize = 0.025
        return config
    }

    /// The snake_case key names, as a spec writes them.
    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sampleRate = try c.decodeIfPresent(Int.self, forKey: .sampleRate) ?? sampleRate
        windowSize = try c.decodeIfPresent(Double.self, forKey: .windowSize) ?? windowSize
        windowStride = try c.decodeIfPresent(Double.self, forKey: .windowStride) ?? windowStride
        nWindowSize = try c.decodeIfPresent(Int.self, forKey: .nWindowSize)
        nWindowStride = try c.decodeIfPresent(Int.self, forKey: .nWindowStride)
        nFFT = try c.decodeIfPresent(Int.self, forKey: .nFFT) ?? nFFT
        features = try c.decodeIfPresent(Int.self, forKey: .features) ?? features
        window = try c.decodeIfPresent(String.self, forKey: .window) ?? window
        normalize = try c.decodeIfPresent(String.self, forKey: .normalize) ?? normalize
        dither = try c.decodeIfPresent(Double.self, forKey: .dither) ?? dither
        if c.contains(.preemph) { preemph = try c.decodeIfPresent(Double.self, forKey: .preemph) }
        log = try c.decodeIfPresent(Bool.self, forKey: .log) ?? log
        logZeroGuardType = try c.decodeIfPresent(String.self, forKey: .logZeroGuardType) ?? logZeroGuardType
        if let named = try? c.decodeIfPresent(String.self, forKey: .logZeroGuardValue) {
            // NeMo also accepts the names of float32 constants.
            switch named {
            case "tiny": logZeroGuardValue = Double(Float.leastNormalMagnitude)
            case "eps": logZeroGuardValue = Double(Float.ulpOfOne)
            default: throw AudioError.invalidConfig(key: "log_zero_guard_value", value: named, expected: "a number, 'tiny' or 'eps'")
            }
        } else {
            logZeroGuardValue = try c.decodeIfPresent(Double.self, forKey: .logZeroGuardValue) ?? logZeroGuardValue
        }
        magPower = try c.decodeIfPresent(Double.self, forKey: .magPower) ?? magPower
        lowfreq = try c.decodeIfPresent(Double.self, forKey: .lowfreq) ?? lowfreq
        highfreq = try c.decodeIfPresent(Double.self, forKey: .highfreq)
        padTo = try c.decodeIfPresent(Int.self, forKey: .padTo) ?? padTo
        padValue = try c.decodeIfPresent(Double.self, forKey: .padValue) ?? padValue
        frameSplicing = try c.decodeIfPresent(Int.self, forKey: .frameSplicing) ?? frameSplicing
        stftPadMode = try c.decodeIfPresent(String.self, forKey: .stftPadMode) ?? stftPadMode
        if c.contains(.melNorm) { melNorm = try c.decodeIfPresent(String.self, forKey: .melNorm) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sampleRate, forKey: .sampleRate)
        try c.encode(windowSize, forKey: .windowSize)
        try c.encode(windowStride, forKey: .windowStride)
        try c.encodeIfPresent(nWindowSize, forKey: .nWindowSize)
        try c.encodeIfPresent(nWindowStride, forKey: .nWindowStride)
        try c.encode(nFFT, forKey: .nFFT)
        try c.encode(features, forKey: .features)
        try c.encode(window, forKey: .window)
        try c.encode(normalize, forKey: .normalize)
        try c.encode(dither, forKey: .dither)
        try c.encode(preemph, forKey: .preemph)
        try c.encode(log, forKey: .log)
        try c.encode(logZeroGuardType, forKey: .logZeroGuardType)
        try c.encode(logZeroGuardValue, forKey: .logZeroGuardValue)
        try c.encode(magPower, forKey: .magPower)
        try c.encode(lowfreq, forKey: .lowfreq)
        try c.encode(highfreq, forKey: .highfreq)
        try c.encode(padTo, forKey: .padTo)
        try c.encode(padValue, forKey: .padValue)
        try c.encode(frameSplicing, forKey: .frameSplicing)
        try c.encode(stftPadMode, forKey: .stftPadMode)
        try c.encode(melNorm, forKey: .melNorm)
    }

    /// Window length in samples (truncated, as NeMo's `int(window_size * sample_rate)`).
    public var windowLength: Int { nWindowSize ?? Self.sampleCount(windowSize, sampleRate) }
    /// Hop length in samples (truncated, as NeMo's `int(window_stride * sample_rate)`).
    public var hopLength: Int { nWindowStride ?? Self.sampleCount(windowStride, sampleRate) }

    /// `Int(seconds * rate)` that cannot trap on absurd spec values (they fail `validate()` instead).
    private static func sampleCount(_ seconds: Double, _ rate: Int) -> Int {
        let count = seconds * Double(rate)
        guard count.isFinite else { return -1 }
        return Int(max(-1, min(count, 1e9)))
    }
    /// Upper mel edge in Hz.
    public var upperFrequency: Double { highfreq ?? Double(sampleRate) / 2 }

    /// Window names NeMo accepts.
    public static let windows = ["hann", "hamming", "blackman", "bartlett", "none"]
    /// Normalization names NeMo accepts.
    public static let normalizations = ["per_feature", "all_features", "none"]

    /// Throws `AudioError.invalidConfig` for the first key whose value is out of range or inconsistent.
    public func validate() throws {
        func check(_ ok: Bool, _ key: CodingKeys, _ value: Any?, _ expected: String) throws {
            if !ok { throw AudioError.invalidConfig(key: key.rawValue, value: value.map { "\($0)" } ?? "null", expected: expected) }
        }
        try check(sampleRate >= 1000 && sampleRate <= 384_000, .sampleRate, sampleRate, "a rate between 1000 and 384000 Hz")
        try check(windowSize.isFinite && windowSize > 0, .windowSize, windowSize, "a positive duration in seconds")
        try check(windowStride.isFinite && windowStride > 0, .windowStride, windowStride, "a positive duration in seconds")
        try check(nFFT >= 2 && nFFT <= 65536, .nFFT, nFFT, "an FFT length between 2 and 65536")
        try check(windowLength >= 1 && windowLength <= nFFT, nWindowSize == nil ? .windowSize : .nWindowSize, nWindowSize ?? windowSize,
                  "a window of 1 to n_fft (\(nFFT)) samples")
        try check(hopLength >= 1, nWindowStride == nil ? .windowStride : .nWindowStride, nWindowStride ?? windowStride,
                  "a hop of at least one sample")
        try check(features >= 1 && features <= 1024, .features, features, "a number of mel bands between 1 and 1024")
        try check(Self.windows.contains(window), .window, window, "one of " + Self.windows.joined(separator: ", "))
        try check(Self.normalizations.contains(normalize), .normalize, normalize, "one of " + Self.normalizations.joined(separator: ", "))
        try check(dither.isFinite && dither >= 0, .dither, dither, "a non-negative number")
        if let preemph { try check(preemph.isFinite && preemph >= 0 && preemph < 1, .preemph, preemph, "a coefficient in [0, 1) or null") }
        try check(["add", "clamp"].contains(logZeroGuardType), .logZeroGuardType, logZeroGuardType, "add or clamp")
        try check(logZeroGuardValue.isFinite && logZeroGuardValue > 0, .logZeroGuardValue, logZeroGuardValue, "a positive number")
        try check(magPower.isFinite && magPower > 0, .magPower, magPower, "a positive exponent")
        try check(lowfreq.isFinite && lowfreq >= 0 && lowfreq < Double(sampleRate) / 2, .lowfreq, lowfreq,
                  "a frequency in [0, sample_rate / 2)")
        try check(upperFrequency.isFinite && upperFrequency > lowfreq && upperFrequency <= Double(sampleRate) / 2, .highfreq, highfreq,
                  "null or a frequency in (lowfreq, sample_rate / 2]")
        try check(padTo >= 0 && padTo <= 4096, .padTo, padTo, "0 (off) or a positive frame multiple")
        try check(padValue.isFinite, .padValue, padValue, "a finite number")
        try check(frameSplicing >= 1 && frameSplicing <= 16, .frameSplicing, frameSplicing, "an integer from 1 to 16")
        try check(["reflect", "constant"].contains(stftPadMode), .stftPadMode, stftPadMode, "reflect or constant")
        try check(melNorm == nil || melNorm == "slaney", .melNorm, melNorm, "slaney or null")
    }
}
