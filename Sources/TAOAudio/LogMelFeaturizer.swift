import Foundation

/// NeMo's `AudioToMelSpectrogramPreprocessor` on FFTW: dither (training only), pre-emphasis, centred STFT
/// (reflect or zero padding), |X|^mag_power, Slaney mel filterbank, log, frame splicing, normalization over the
/// valid frames, masking and `pad_to` padding.
///
/// Immutable and `Sendable`: one featurizer serves every thread (each call brings its own scratch space).
public final class LogMelFeaturizer: Sendable {
    /// The settings this featurizer was built from (validated).
    public let config: PreprocessorConfig
    /// The window's weights (window length).
    let window: [Double]
    /// The mel filterbank.
    public let filterbank: MelFilterbank
    let fft: RealFFT
    /// Hop and window lengths, samples.
    let hop: Int, windowLength: Int

    /// Builds the window, filterbank and FFT plan; throws `AudioError.invalidConfig` for a bad config.
    public init(_ config: PreprocessorConfig = .quartzNet) throws {
        try config.validate()
        self.config = config
        windowLength = config.windowLength
        hop = config.hopLength
        window = (WindowFunction(rawValue: config.window) ?? .hann).weights(length: windowLength)
        filterbank = MelFilterbank(bandCount: config.features, nFFT: config.nFFT, sampleRate: config.sampleRate,
                                   lowFrequency: config.lowfreq, highFrequency: config.highfreq, slaneyNorm: config.melNorm != nil)
        fft = RealFFT.shared(size: config.nFFT)
    }

    /// Mel bands per frame times frame splicing: the rows of the output.
    public var featureCount: Int { config.features * config.frameSplicing }

    /// STFT frames for `sampleCount` samples: 1 + L / hop (both padding modes).
    public func frameCount(sampleCount: Int) -> Int { 1 + sampleCount / hop }

    /// Frames that carry signal (NeMo's seq_len): all of them with reflect padding, L / hop with constant padding.
    public func validFrameCount(sampleCount: Int) -> Int {
        config.stftPadMode == "reflect" ? 1 + sampleCount / hop : sampleCount / hop
    }

    /// Features of one utterance in eval mode (no dither).
    /// - Parameter samples: mono audio at `config.sampleRate`.
    /// - Returns: `[features * frame_splicing, frames]`, normalized, masked and padded as configured.
    public func features(of samples: [Float]) throws -> Features {
        var unused = SystemRandomNumberGenerator()
        return try features(of: samples, training: false, rng: &unused)
    }

    /// Features of one utterance; `training` adds dither drawn from `rng` (seed it for reproducible runs).
    public func features(of samples: [Float], training: Bool, rng: inout some RandomNumberGenerator) throws -> Features {
        let noisy = training && config.dither > 0 ? dithered(samples, rng: &rng) : samples
        // Leave room for pad_to padding so the matrix is written once; `finish` fills the padding.
        let frames = frameCount(sampleCount: samples.count), multiple = max(config.padTo, 1)
        let paddedFrames = (frames + multiple - 1) / multiple * multiple
        var features = try logMel(of: noisy, analyzer: makeAnalyzer(), columns: paddedFrames)
        finish(&features)
        return features
    }

    /// The log-mel matrix before splicing, normalization and padding: `[features, 1 + L / hop]`.
    public func logMel(of samples: [Float]) throws -> Features {
        try logMel(of: samples, analyzer: makeAnalyzer(), columns: frameCount(sampleCount: samples.count))
    }

    /// The steps `features(of:)` runs after the log (splicing, normalization, masking, `pad_to`), applied to a
    /// log-mel matrix of `sampleCount` samples, e.g. a stream's frames joined: the result equals `features(of:)` of
    /// the same audio in eval mode.
    public func postprocess(_ logMel: Features, sampleCount: Int) -> Features {
        let frames = logMel.frameCount, multiple = max(config.padTo, 1)
        let columns = (frames + multiple - 1) / multiple * multiple
        var values = [Float](repeating: 0, count: logMel.featureCount * columns)
        for row in 0..<logMel.featureCount {
            for t in 0..<frames { values[row * columns + t] = logMel.values[row * frames + t] }
        }
        var features = Features(values: values, featureCount: logMel.featureCount, frameCount: columns,
                                validFrames: min(validFrameCount(sampleCount: sampleCount), frames))
        finish(&features)
        return features
    }

    /// Features of many utterances on `threads` threads (2 uses both cores here). In training, each utterance's
    /// dither comes from its own generator seeded from `rng` in order, so results do not depend on `threads`.
    public func features(ofBatch batch: [[Float]], training: Bool = false, threads: Int = 2,
                         rng: inout some RandomNumberGenerator) throws -> [Features] {
        let seeds = batch.map { _ in rng.next() as UInt64 }
        let results = ParallelResults<Features>(count: batch.count)
        parallelForEach(count: batch.count, threads: threads) { index in
            var generator = SeededGenerator(seed: seeds[index])
            results.set(index, Result { try self.features(of: batch[index], training: training, rng: &generator) })
        }
        return try results.values()
    }

    /// Features of many utterances in eval mode on `threads` threads.
    public func features(ofBatch batch: [[Float]], threads: Int = 2) throws -> [Features] {
        var unused = SeededGenerator(seed: 0)
        return try features(ofBatch: batch, training: false, threads: threads, rng: &unused)
    }

    func makeAnalyzer() -> FrameAnalyzer {
        FrameAnalyzer(config: config, window: window, filterbank: filterbank, fft: fft)
    }

    /// x + dither * N(0, 1), as NeMo adds it before pre-emphasis.
    private func dithered(_ samples: [Float], rng: inout some RandomNumberGenerator) -> [Float] {
        let scale = Float(config.dither)
        var gaussian = GaussianSampler()
        return samples.map { $0 + scale * gaussian.next(using: &rng) }
    }

    /// Analyzes every frame into a `[features, columns]` matrix (`columns` >= the frame count; the columns past the
    /// frames are zero, for `finish` to fill). Throws for an empty signal or a non-finite sample.
    func logMel(of samples: [Float], analyzer: FrameAnalyzer, columns: Int) throws -> Features {
        if samples.isEmpty { throw AudioError.zeroLength(file: "audio signal") }
        let frames = frameCount(sampleCount: samples.count)
        let bands = config.features, blockFrames = FrameAnalyzer.blockFrames
        // The pre-emphasized, centre-padded samples one block of frames needs, made per block (a few KB that stay in
        // cache) rather than as a padded copy of the whole signal.
        let span = (blockFrames - 1) * hop + windowLength
        let segment = UnsafeMutablePointer<Double>.allocate(capacity: span)
        defer { segment.deallocate() }
        var finite = true
        let output = [Float](unsafeUninitializedCapacity: bands * columns) { out, initialized in
            samples.withUnsafeBufferPointer { x in
                var first = 0
                while first < frames {
                    let count = min(blockFrames, frames - first)
                    let start = first * hop + (config.nFFT - windowLength) / 2 - config.nFFT / 2
                    fillSegment(x, from: start, count: (count - 1) * hop + windowLength, into: segment)
                    finite = analyzer.analyze(first: segment, stride: hop, count: count) && finite
                    // The block is band-major already: copy each band's run of frames into its output row.
                    for band in 0..<bands {
                        (out.baseAddress! + band * columns + first).initialize(from: analyzer.mel + band * blockFrames, count: count)
                    }
                    first += count
                }
            }
            for band in 0..<bands { (out.baseAddress! + band * columns + frames).initialize(repeating: 0, count: columns - frames) }
            initialized = bands * columns
        }
        // A NaN or infinite sample poisons every frame it reaches; name the first one.
        if !finite, let bad = samples.firstIndex(where: { !$0.isFinite }) {
            throw AudioError.nonFiniteSample(file: "audio signal", index: bad)
        }
        return Features(values: output, featureCount: bands, frameCount: columns, validFrames: min(validFrameCount(sampleCount: samples.count), columns))
    }

    /// Writes `count` samples of the pre-emphasized signal (`y[0] = x[0]`, `y[t] = x[t] - preemph * x[t-1]`, in double
    /// precision) from
    /// index `start` on, indices outside the signal taken from the centre padding: mirrored without repeating the
    /// edge (numpy's "reflect") or zeros ("constant").
    func fillSegment(_ x: UnsafeBufferPointer<Float>, from start: Int, count: Int, into out: UnsafeMutablePointer<Double>) {
        let length = x.count, a = config.preemph ?? 0
        @inline(__always) func emphasized(_ j: Int) -> Double { j == 0 ? Double(x[0]) : Double(x[j]) - a * Double(x[j - 1]) }
        // The interior, where every index is inside the signal and has a predecessor, as one vectorizable loop.
        let low = min(max(start, 1), start + count), high = max(min(start + count, length), low)
        for j in low..<high { out[j - start] = Double(x[j]) - a * Double(x[j - 1]) }
        let reflect = config.stftPadMode == "reflect"
        for j in start..<low where j < start + count {
            out[j - start] = j >= 0 && j < length ? emphasized(j) : reflect ? emphasized(reflectedIndex(j, count: length)) : 0
        }
        for j in high..<(start + count) {
            out[j - start] = j >= 0 && j < length ? emphasized(j) : reflect ? emphasized(reflectedIndex(j, count: length)) : 0
        }
    }

    /// Splicing, normalization over the valid frames, then masking of every column past them (the invalid frame
    /// of constant padding and the `pad_to` padding), in NeMo's order; in place.
    func finish(_ features: inout Features) {
        if config.frameSplicing > 1 { features = FeatureNormalization.splice(features, times: config.frameSplicing) }
        FeatureNormalization.normalize(&features, mode: config.normalize)
        FeatureNormalization.mask(&features, padValue: Float(config.padValue))
    }
}

/// numpy's "reflect" index for position `j` of a signal of `count` samples: mirror about the first and last sample
/// (not repeating them), again and again for pads longer than the signal.
func reflectedIndex(_ j: Int, count: Int) -> Int {
    guard count > 1 else { return 0 }
    let period = 2 * (count - 1)
    var r = j % period
    if r < 0 { r += period }
    return r < count ? r : period - r
}
