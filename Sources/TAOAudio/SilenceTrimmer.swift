/// Leading and trailing silence detection as librosa's `effects.trim` does it (which NeMo's `trim_silence` calls):
/// RMS over centred, zero-padded frames; a frame is sound when its power is within `topDB` decibels of the loudest.
public enum SilenceTrimmer {
    /// The sample range from the first to the end of the last frame with sound; the whole signal when every frame
    /// is silent (an empty utterance is never useful), and an empty range for an empty signal.
    /// - Parameters:
    ///   - topDB: how far below the loudest frame (in dB of power) a frame still counts as sound; NeMo uses 60.
    ///   - frameLength: RMS window in samples (2048, as librosa).
    ///   - hopLength: frame step in samples (512, as librosa).
    public static func nonSilentRange(_ samples: [Float], topDB: Double = 60, frameLength: Int = 2048,
                                      hopLength: Int = 512) -> Range<Int> {
        precondition(frameLength > 0 && hopLength > 0, "SilenceTrimmer: frame \(frameLength) and hop \(hopLength) must be positive")
        guard !samples.isEmpty else { return 0..<0 }
        let power = framePowers(samples, frameLength: frameLength, hopLength: hopLength)
        let amin = 1e-10
        let loudest = max(power.max() ?? 0, amin)
        // 10 log10(p / loudest) > -topDB  <=>  p > loudest * 10^(-topDB / 10), with librosa's floor amin on p.
        let threshold = loudest * pow10(-topDB / 10)
        guard let first = power.firstIndex(where: { max($0, amin) > threshold }),
              let last = power.lastIndex(where: { max($0, amin) > threshold })
        else { return 0..<samples.count }
        return min(first * hopLength, samples.count)..<min((last + 1) * hopLength, samples.count)
    }

    /// Mean square of each frame of the signal padded with `frameLength / 2` zeros on both sides.
    static func framePowers(_ samples: [Float], frameLength: Int, hopLength: Int) -> [Double] {
        let pad = frameLength / 2
        let paddedCount = samples.count + 2 * pad
        let frames = paddedCount >= frameLength ? 1 + (paddedCount - frameLength) / hopLength : 0
        // Prefix sums of squares make every frame O(1); Double keeps them exact enough for long signals.
        var prefix = [Double](repeating: 0, count: samples.count + 1)
        for (i, x) in samples.enumerated() { prefix[i + 1] = prefix[i] + Double(x) * Double(x) }
        return (0..<frames).map { frame in
            let start = frame * hopLength - pad, end = start + frameLength
            let lo = min(max(start, 0), samples.count), hi = min(max(end, 0), samples.count)
            return max(prefix[hi] - prefix[lo], 0) / Double(frameLength)
        }
    }

    private static func pow10(_ x: Double) -> Double { exp(x * log(10)) }
}

import Foundation
