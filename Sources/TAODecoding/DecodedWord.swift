import Foundation

/// A decoded word with its frame span and a confidence.
public struct DecodedWord: Equatable, Sendable {
    public var word: String
    /// First frame of the word's first label.
    public var startFrame: Int
    /// One past the last frame of the word's last label.
    public var endFrame: Int
    /// Mean over the word's frames of the probability of the frame's most likely label, in [0, 1].
    public var confidence: Float

    /// Start and end in seconds, for frames `frameSeconds` apart (hop x subsampling, e.g. 0.02 s).
    public func seconds(frameSeconds: Double) -> (start: Double, end: Double) {
        (Double(startFrame) * frameSeconds, Double(endFrame) * frameSeconds)
    }
}
