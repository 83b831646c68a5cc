/// A feature matrix `[featureCount, frameCount]`, row-major (one row per mel band, one column per 10 ms frame),
/// with the number of frames that carry signal.
public struct Features: Sendable, Equatable {
    /// Row-major values: `values[feature * frameCount + frame]`.
    public var values: [Float]
    /// Rows (mel bands times frame splicing).
    public var featureCount: Int
    /// Columns, including any `pad_to` padding.
    public var frameCount: Int
    /// Columns that carry signal (NeMo's `seq_len`); the rest hold `pad_value`.
    public var validFrames: Int

    /// A matrix from row-major `values` (`featureCount * frameCount` of them).
    public init(values: [Float], featureCount: Int, frameCount: Int, validFrames: Int) {
        precondition(values.count == featureCount * frameCount,
                     "Features: \(values.count) values for shape [\(featureCount), \(frameCount)]")
        self.values = values
        self.featureCount = featureCount
        self.frameCount = frameCount
        self.validFrames = validFrames
    }

    /// [featureCount, frameCount].
    public var shape: [Int] { [featureCount, frameCount] }

    /// The value of one band in one frame.
    public subscript(feature: Int, frame: Int) -> Float {
        get { values[feature * frameCount + frame] }
        set { values[feature * frameCount + frame] = newValue }
    }

    /// The first `count` frames (columns), e.g. to drop `pad_to` padding.
    public func prefix(frames count: Int) -> Features {
        let count = min(max(count, 0), frameCount)
        var out = [Float]()
        out.reserveCapacity(featureCount * count)
        for row in 0..<featureCount {
            out.append(contentsOf: values[(row * frameCount)..<(row * frameCount + count)])
        }
        return Features(values: out, featureCount: featureCount, frameCount: count, validFrames: min(validFrames, count))
    }
}
