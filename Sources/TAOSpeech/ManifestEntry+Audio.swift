import Foundation
import TAOAudio

extension ManifestEntry {
    /// The utterance's samples, mono at `sampleRate`: its `offset`/`duration` stretch of the file when the line gives
    /// an offset, else the whole file. Throws when that stretch lies past the file's end.
    public func samples(at sampleRate: Int) throws -> [Float] {
        let samples = try AudioFile.read(URL(fileURLWithPath: audioFilepath), resamplingTo: sampleRate).samples
        guard let offset else { return samples }
        let start = Self.sampleCount(ofSeconds: offset, rate: sampleRate, atMost: samples.count)
        let end = duration > 0 ? start + Self.sampleCount(ofSeconds: duration, rate: sampleRate, atMost: samples.count - start) : samples.count
        guard end > start else {
            throw SpeechError.emptySegment(file: audioFilepath, offset: offset, duration: duration,
                                           fileSeconds: Double(samples.count) / Double(sampleRate))
        }
        return Array(samples[start..<end])
    }

    /// `seconds` as a number of samples at `rate`, clamped to 0...limit before it becomes an Int, so no time
    /// (negative, huge, infinite or NaN) can trap.
    static func sampleCount(ofSeconds seconds: Double, rate: Int, atMost limit: Int) -> Int {
        let samples = (seconds * Double(rate)).rounded()
        guard samples < Double(limit) else { return samples.isNaN ? 0 : limit }
        return samples > 0 ? Int(samples) : 0
    }
}
