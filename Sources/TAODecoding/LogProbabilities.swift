import Foundation

/// A `[frames x labels]` matrix of natural-log probabilities, row-major.
public struct LogProbabilities {
    public let values: UnsafeBufferPointer<Float>
    public let frames: Int, labels: Int

    public init(_ values: UnsafeBufferPointer<Float>, frames: Int, labels: Int) {
        precondition(values.count == frames * labels, "log-probabilities: \(values.count) values for shape [\(frames) x \(labels)]")
        self.values = values
        self.frames = frames
        self.labels = labels
    }

    @inline(__always)
    subscript(frame: Int, label: Int) -> Float { values[frame * labels + label] }

    /// The most likely label of a frame.
    func argmax(_ frame: Int) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        let row = frame * labels
        for label in 0..<labels where values[row + label] > bestValue { bestValue = values[row + label]; best = label }
        return best
    }

    /// Mean over frames start..<end of exp(max log-prob): the word confidence.
    func confidence(_ start: Int, _ end: Int) -> Float {
        guard end > start else { return 0 }
        var sum: Float = 0
        for frame in start..<end { sum += exp(self[frame, argmax(frame)]) }
        return sum / Float(end - start)
    }
}
