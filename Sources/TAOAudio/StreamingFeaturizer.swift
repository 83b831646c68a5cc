/// The log-mel front end fed in chunks: each call returns the frames whose samples have all arrived, and `finish`
/// returns the last frames (which need the end padding). The frames equal `LogMelFeaturizer.logMel(of:)` of the
/// whole signal bit for bit; normalization, which needs the whole utterance, is left to the caller.
///
/// Eval mode only (no dither). One instance per stream; not thread-safe.
public final class StreamingFeaturizer {
    /// The offline featurizer whose settings and plan this stream uses.
    public let featurizer: LogMelFeaturizer
    private let analyzer: FrameAnalyzer
    private let padding: Int
    private let reflect: Bool
    private let preemphasis: Double?
    /// The first `padding + 1` pre-emphasized samples, which reflect padding mirrors at the start.
    private var head: [Double] = []
    /// Pre-emphasized samples from index `bufferStart` on.
    private var buffer: [Double] = []
    private var bufferStart = 0
    private var lastInput: Float = 0
    /// Samples received so far.
    public private(set) var sampleCount = 0
    /// Frames returned so far.
    public private(set) var frameCount = 0
    private var finished = false
    /// Window supports of up to a block of frames, gathered for the analyzer.
    private var frames: [Double]

    /// A new stream with `featurizer`'s settings and FFT plan.
    public init(_ featurizer: LogMelFeaturizer) {
        self.featurizer = featurizer
        analyzer = featurizer.makeAnalyzer()
        padding = featurizer.config.nFFT / 2
        reflect = featurizer.config.stftPadMode == "reflect"
        preemphasis = featurizer.config.preemph
        frames = [Double](repeating: 0, count: featurizer.windowLength * FrameAnalyzer.blockFrames)
    }

    /// Feeds the next samples (any count, even zero) and returns the frames completed by them:
    /// `[features, n]` log-mel before normalization.
    public func accept(_ samples: [Float]) throws -> Features {
        precondition(!finished, "StreamingFeaturizer.accept after finish")
        if let bad = samples.firstIndex(where: { !$0.isFinite }) {
            throw AudioError.nonFiniteSample(file: "audio stream", index: sampleCount + bad)
        }
        buffer.reserveCapacity(buffer.count + samples.count)
        for x in samples {
            // The same double-precision pre-emphasis as LogMelFeaturizer.fillSegment.
            let y = sampleCount == 0 ? Double(x) : Double(x) - (preemphasis ?? 0) * Double(lastInput)
            lastInput = x
            buffer.append(y)
            if head.count <= padding { head.append(y) }
            sampleCount += 1
        }
        // Reflect padding at the start needs samples 1...padding before the first frame.
        var ready = frameCount
        if !reflect || sampleCount > padding {
            while lastSampleIndex(of: ready) < sampleCount { ready += 1 }
        }
        let frames = emit(upTo: ready)
        trim()
        return frames
    }

    /// Ends the stream and returns the remaining frames (the stream then has 1 + samples / hop in all).
    public func finish() throws -> Features {
        precondition(!finished, "StreamingFeaturizer.finish called twice")
        finished = true
        if sampleCount == 0 { throw AudioError.zeroLength(file: "audio stream") }
        return emit(upTo: featurizer.frameCount(sampleCount: sampleCount))
    }

    /// Signal index of the last sample frame `t`'s window touches.
    private func lastSampleIndex(of t: Int) -> Int {
        t * featurizer.hop + analyzer.windowOffset + featurizer.windowLength - 1 - padding
    }

    /// Analyzes frames `frameCount..<end` into a `[features, n]` matrix, up to a block of frames at a time.
    private func emit(upTo end: Int) -> Features {
        let bands = featurizer.config.features, count = max(0, end - frameCount), width = featurizer.windowLength
        var values = [Float](repeating: 0, count: bands * count)
        var done = 0
        while done < count {
            let block = min(FrameAnalyzer.blockFrames, count - done)
            // Gather each frame's window support, with the centre padding applied, one frame after another.
            for t in 0..<block {
                let first = (frameCount + done + t) * featurizer.hop + analyzer.windowOffset - padding
                for i in 0..<width { frames[t * width + i] = paddedSample(first + i) }
            }
            frames.withUnsafeBufferPointer { _ = analyzer.analyze(first: $0.baseAddress!, stride: width, count: block) }
            for band in 0..<bands {
                for t in 0..<block { values[band * count + done + t] = analyzer.mel[band * FrameAnalyzer.blockFrames + t] }
            }
            done += block
        }
        frameCount += count
        return Features(values: values, featureCount: bands, frameCount: count, validFrames: count)
    }

    /// The pre-emphasized sample at signal index `j`, with the centre padding outside 0..<sampleCount
    /// (indices past the end are only asked for by `finish`, when the length is known).
    private func paddedSample(_ j: Int) -> Double {
        if j >= 0 && j < sampleCount { return stored(j) }
        return reflect ? stored(reflectedIndex(j, count: sampleCount)) : 0
    }

    private func stored(_ j: Int) -> Double {
        j >= bufferStart ? buffer[j - bufferStart] : head[j]
    }

    /// Drops samples no future frame or end padding can need (keeping at least `padding + 1` at the end).
    private func trim() {
        let nextFirst = frameCount * featurizer.hop + analyzer.windowOffset - padding
        let keepFrom = min(nextFirst, sampleCount - padding - 1)
        let drop = keepFrom - bufferStart
        guard drop >= 4096, drop <= buffer.count else { return }
        buffer.removeFirst(drop)
        bufferStart += drop
    }
}
