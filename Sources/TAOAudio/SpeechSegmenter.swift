import Foundation

/// Cuts a signal into utterances at its pauses, fed in chunks of any size: the cuts depend only on the samples,
/// never on how they were chunked, so a stream and an offline request over the same audio get the same utterances.
///
/// Audio before an utterance starts is kept only as a short pre-roll; silence between utterances is dropped. An
/// utterance longer than `maxSegmentSeconds` is cut at its quietest frame of the last second.
public struct SpeechSegmenter {
    /// An utterance: its first sample's index in the whole signal and its samples.
    public struct Segment: Equatable, Sendable {
        public var start: Int
        public var samples: [Float]
        public var end: Int { start + samples.count }

        public init(start: Int, samples: [Float]) {
            self.start = start
            self.samples = samples
        }
    }

    let config: EndpointingConfig
    let sampleRate: Int
    /// Samples per analysis frame (10 ms).
    let frameLength: Int
    let maxSegmentSamples: Int
    /// Energy (dBFS) a frame must exceed to be speech, at least; and how far above the noise floor.
    let absoluteThreshold: Float = -50, floorMargin: Float = 12
    /// How fast (dB per frame) the noise floor estimate rises when frames stay above it (2 dB/s).
    let floorRise: Float = 0.02

    /// Samples from `bufferStart` on (the pre-roll, the current utterance and a partial frame).
    private var buffer: [Float] = []
    private var bufferStart = 0
    /// Samples received, and frames analyzed (frame f covers samples f*frameLength ..< (f+1)*frameLength).
    public private(set) var sampleCount = 0
    private var frameCount = 0
    /// Speech decisions of the most recent frames (at most the longest window).
    private var decisions: [Bool] = []
    /// Frame energies (dB) of the current utterance, for cutting an over-long one at its quietest point.
    private var energies: [Float] = []
    private var noiseFloor: Float = -70
    /// Start of the current utterance (nil between utterances), and the end of the last one emitted.
    private(set) var utteranceStart: Int?
    private var consumed = 0
    /// Set when the short end-of-utterance window first fires in the current utterance.
    public private(set) var earlyEndOfUtterance = false

    private var startFrames: Int { max(config.startHistory * sampleRate / 1000 / frameLength, 1) }
    private var stopFrames: Int { max(config.stopHistory * sampleRate / 1000 / frameLength, 1) }
    private var eouFrames: Int { max(config.stopHistoryEou * sampleRate / 1000 / frameLength, 1) }

    public init(config: EndpointingConfig, sampleRate: Int, maxSegmentSeconds: Double = 20) {
        self.config = config
        self.sampleRate = sampleRate
        frameLength = max(sampleRate / 100, 1)
        maxSegmentSamples = max(Int(maxSegmentSeconds * Double(sampleRate)), 2 * sampleRate)
    }

    /// The utterances of a whole signal, in order.
    public static func utterances(of samples: [Float], sampleRate: Int, maxSegmentSeconds: Double,
                                  config: EndpointingConfig = .init()) -> [Segment] {
        var segmenter = SpeechSegmenter(config: config, sampleRate: sampleRate, maxSegmentSeconds: maxSegmentSeconds)
        return segmenter.append(samples) + [segmenter.finish()].compactMap { $0 }
    }

    /// Whether an utterance is in progress.
    var inUtterance: Bool { utteranceStart != nil }

    /// The current utterance so far (for interim results), or nil between utterances.
    public var currentUtterance: Segment? {
        guard let start = utteranceStart else { return nil }
        return Segment(start: start, samples: Array(buffer[(start - bufferStart)...]))
    }

    /// Feeds samples; returns the utterances they completed, in order.
    public mutating func append(_ samples: [Float]) -> [Segment] {
        buffer += samples
        sampleCount += samples.count
        var completed: [Segment] = []
        while (frameCount + 1) * frameLength <= sampleCount {
            if let segment = analyzeFrame() { completed.append(segment) }
        }
        trimBuffer()
        return completed
    }

    /// Ends the current utterance where the signal is now (flush or end of stream): its segment, or nil between
    /// utterances. The segmenter then waits for the next utterance.
    public mutating func finish() -> Segment? {
        guard let start = utteranceStart else { return nil }
        let segment = Segment(start: start, samples: Array(buffer[(start - bufferStart)...]))
        endUtterance(at: sampleCount)
        return segment
    }

    /// Classifies the next frame and moves the state machine; returns an utterance it completed.
    private mutating func analyzeFrame() -> Segment? {
        let first = frameCount * frameLength - bufferStart
        guard first >= 0 else {
            // A flush ended an utterance inside this frame and its samples are gone: the frame counts as silence.
            frameCount += 1
            decisions.append(false)
            return nil
        }
        var power: Float = 0
        for i in first..<(first + frameLength) { power += buffer[i] * buffer[i] }
        let energy = 10 * log10f(power / Float(frameLength) + 1e-10)
        noiseFloor = energy < noiseFloor ? energy : min(noiseFloor + floorRise, energy)
        let speech = energy > max(absoluteThreshold, noiseFloor + floorMargin)
        frameCount += 1
        decisions.append(speech)
        let keep = max(startFrames, stopFrames, eouFrames)
        if decisions.count > 2 * keep { decisions.removeFirst(decisions.count - keep) }
        let end = frameCount * frameLength
        guard let start = utteranceStart else {
            if fraction(of: true, last: startFrames) >= config.startThreshold, decisions.suffix(startFrames).contains(true) {
                // The utterance starts with its start window and 100 ms before it, never inside the last one.
                let windowStart = end - min(startFrames, decisions.count) * frameLength
                let begin = max(windowStart - 10 * frameLength, consumed, bufferStart)
                utteranceStart = begin
                energies = []
                earlyEndOfUtterance = false
            }
            return nil
        }
        energies.append(energy)
        if !earlyEndOfUtterance, end - start >= eouFrames * frameLength, fraction(of: false, last: eouFrames) >= config.stopThresholdEou {
            earlyEndOfUtterance = true
        }
        if end - start >= stopFrames * frameLength, fraction(of: false, last: stopFrames) >= config.stopThreshold {
            let segment = Segment(start: start, samples: Array(buffer[(start - bufferStart)..<(end - bufferStart)]))
            endUtterance(at: end)
            return segment
        }
        if end - start >= maxSegmentSamples {
            // Cut at the quietest frame of the last second; the rest begins the next utterance.
            let window = min(sampleRate / frameLength, energies.count)
            let recent = energies.suffix(window)
            let quietest = recent.indices.min { recent[$0] < recent[$1] } ?? (energies.count - 1)
            let cut = max(end - (energies.count - quietest) * frameLength + frameLength / 2, start + frameLength)
            let segment = Segment(start: start, samples: Array(buffer[(start - bufferStart)..<(cut - bufferStart)]))
            consumed = cut
            utteranceStart = cut
            energies = Array(energies[(quietest + 1)...])
            earlyEndOfUtterance = false
            return segment
        }
        return nil
    }

    private mutating func endUtterance(at end: Int) {
        consumed = end
        utteranceStart = nil
        energies = []
        earlyEndOfUtterance = false
        trimBuffer()
    }

    /// Drops samples no utterance can need: in one, those before it; between utterances, all but what a new one
    /// may start with (its start window, 100 ms more, and a partial frame), never samples already emitted.
    private mutating func trimBuffer() {
        let idleKeep = max(frameCount * frameLength - (startFrames + 10) * frameLength, consumed)
        let keepFrom = max(utteranceStart ?? idleKeep, bufferStart)
        let drop = min(keepFrom - bufferStart, buffer.count)
        if drop > 0 {
            buffer.removeFirst(drop)
            bufferStart += drop
        }
    }

    /// The fraction of the last `count` frames whose decision is `value` (over the frames seen, if fewer).
    private func fraction(of value: Bool, last count: Int) -> Double {
        let window = decisions.suffix(count)
        guard !window.isEmpty else { return 0 }
        return Double(window.filter { $0 == value }.count) / Double(window.count)
    }
}
