/// NeMo's `SpectrogramAugmentation` for training: SpecCutout rectangles, then SpecAugment frequency and time masks,
/// drawn per utterance from a seeded generator (Python's inclusive `randint` ranges, as NeMo draws them).
/// Keys follow the spec's `spec_augment` block; defaults are NeMo's `SpectrogramAugmentation` defaults.
public struct SpecAugment: Sendable, Equatable, Codable {
    /// Width of a time mask: a frame count, or a fraction of the utterance's valid length (NeMo's float `time_width`).
    public enum TimeWidth: Sendable, Equatable, Codable {
        case frames(Int)
        case fraction(Double)

        public init(from decoder: Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let frames = try? value.decode(Int.self) {
                self = .frames(frames)
            } else {
                self = .fraction(try value.decode(Double.self))
            }
        }

        public func encode(to encoder: Encoder) throws {
            var value = encoder.singleValueContainer()
            switch self {
            case let .frames(frames): try value.encode(frames)
            case let .fraction(fraction): try value.encode(fraction)
            }
        }

        /// The maximum width in frames for an utterance of `validFrames` frames.
        func frames(validFrames: Int) -> Int {
            switch self {
            case let .frames(frames): frames
            case let .fraction(fraction): max(1, Int(Double(validFrames) * fraction))
            }
        }
    }

    /// Frequency masks per utterance, each U{0..freqWidth} bands wide.
    public var freqMasks = 0
    /// Time masks per utterance.
    public var timeMasks = 0
    /// Widest frequency mask, bands.
    public var freqWidth = 10
    /// Widest time mask.
    public var timeWidth = TimeWidth.frames(10)
    /// SpecCutout rectangles per utterance (0 disables).
    public var rectMasks = 0
    /// SpecCutout: largest rectangle extent along time (NeMo draws the band extent from it; see `cutout`).
    public var rectTime = 5
    /// SpecCutout: largest rectangle extent along frequency (NeMo draws the frame extent from it).
    public var rectFreq = 20
    /// The value written into masked cells.
    public var maskValue: Float = 0

    enum CodingKeys: String, CodingKey {
        case freqMasks = "freq_masks", timeMasks = "time_masks", freqWidth = "freq_width", timeWidth = "time_width"
        case rectMasks = "rect_masks", rectTime = "rect_time", rectFreq = "rect_freq", maskValue = "mask_value"
    }

    /// NeMo's module defaults: no masks (widths 10 bands and 10 frames, cutout 5 x 20); a spec sets the counts.
    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        freqMasks = try c.decodeIfPresent(Int.self, forKey: .freqMasks) ?? freqMasks
        timeMasks = try c.decodeIfPresent(Int.self, forKey: .timeMasks) ?? timeMasks
        freqWidth = try c.decodeIfPresent(Int.self, forKey: .freqWidth) ?? freqWidth
        timeWidth = try c.decodeIfPresent(TimeWidth.self, forKey: .timeWidth) ?? timeWidth
        rectMasks = try c.decodeIfPresent(Int.self, forKey: .rectMasks) ?? rectMasks
        rectTime = try c.decodeIfPresent(Int.self, forKey: .rectTime) ?? rectTime
        rectFreq = try c.decodeIfPresent(Int.self, forKey: .rectFreq) ?? rectFreq
        maskValue = try c.decodeIfPresent(Float.self, forKey: .maskValue) ?? maskValue
    }

    /// Throws `AudioError.invalidConfig` for negative counts or widths, or a fraction outside [0, 1].
    public func validate() throws {
        for (key, value) in [("freq_masks", freqMasks), ("time_masks", timeMasks), ("freq_width", freqWidth),
                             ("rect_masks", rectMasks), ("rect_time", rectTime), ("rect_freq", rectFreq)] where value < 0 || value > 100_000 {
            throw AudioError.invalidConfig(key: "spec_augment.\(key)", value: "\(value)", expected: "a count between 0 and 100000")
        }
        switch timeWidth {
        case let .frames(frames) where frames < 0:
            throw AudioError.invalidConfig(key: "spec_augment.time_width", value: "\(frames)", expected: "a non-negative frame count or a fraction in [0, 1]")
        case let .fraction(fraction) where !(0...1).contains(fraction):
            throw AudioError.invalidConfig(key: "spec_augment.time_width", value: "\(fraction)", expected: "a non-negative frame count or a fraction in [0, 1]")
        default: break
        }
        if !maskValue.isFinite {
            throw AudioError.invalidConfig(key: "spec_augment.mask_value", value: "\(maskValue)", expected: "a finite number")
        }
    }

    /// Masks `features` in place: cutout rectangles, then frequency masks, then time masks within the valid frames.
    public func apply(to features: inout Features, rng: inout some RandomNumberGenerator) {
        cutout(&features, rng: &rng)
        let bands = features.featureCount, valid = features.validFrames
        for _ in 0..<freqMasks {
            let left = randint(0, bands - freqWidth, &rng)
            let width = randint(0, freqWidth, &rng)
            fill(&features, bands: left..<(left + width), frames: 0..<features.frameCount)
        }
        let maxWidth = timeWidth.frames(validFrames: valid)
        for _ in 0..<timeMasks {
            let left = randint(0, max(1, valid - maxWidth), &rng)
            let width = randint(0, maxWidth, &rng)
            fill(&features, bands: 0..<bands, frames: left..<(left + width))
        }
    }

    /// NeMo's SpecCutout. NeMo draws the band extent from `rect_time` and the frame extent from `rect_freq` (the
    /// names cross over in its code); tao keeps that, so a spec tuned in NeMo augments the same way.
    private func cutout(_ features: inout Features, rng: inout some RandomNumberGenerator) {
        for _ in 0..<rectMasks {
            let band = randint(0, features.featureCount - rectFreq, &rng)
            let frame = randint(0, features.frameCount - rectTime, &rng)
            let bandExtent = randint(0, rectTime, &rng)
            let frameExtent = randint(0, rectFreq, &rng)
            fill(&features, bands: band..<(band + bandExtent), frames: frame..<(frame + frameExtent), value: 0)
        }
    }

    private func fill(_ features: inout Features, bands: Range<Int>, frames: Range<Int>, value: Float? = nil) {
        let bands = bands.clamped(to: 0..<features.featureCount), frames = frames.clamped(to: 0..<features.frameCount)
        let fillValue = value ?? maskValue
        for band in bands {
            for frame in frames { features[band, frame] = fillValue }
        }
    }

    /// Python's `random.randint(low, high)`: uniform over low...high inclusive (high below low counts as low).
    private func randint(_ low: Int, _ high: Int, _ rng: inout some RandomNumberGenerator) -> Int {
        high <= low ? low : Int.random(in: low...high, using: &rng)
    }
}
