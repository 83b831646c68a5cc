/// The steps NeMo applies after the log: frame splicing, normalization, masking, padding.
public enum FeatureNormalization {
    /// NeMo's `splice_frames`: `times` copies of the matrix stacked along the feature axis. (NeMo's shifted slices
    /// concatenate back to the unshifted matrix, so the copies are identical; a model trained with it expects that.)
    public static func splice(_ features: Features, times: Int) -> Features {
        guard times > 1 else { return features }
        var values = [Float]()
        values.reserveCapacity(features.values.count * times)
        for _ in 0..<times { values.append(contentsOf: features.values) }
        return Features(values: values, featureCount: features.featureCount * times, frameCount: features.frameCount,
                        validFrames: features.validFrames)
    }

    /// "per_feature": each row minus its mean over the valid frames, divided by its unbiased standard deviation
    /// plus 1e-5; "all_features": the same with one mean and deviation for the whole valid block; "none": nothing.
    /// Statistics are accumulated in double precision.
    public static func normalize(_ features: inout Features, mode: String) {
        let frames = features.frameCount, valid = min(features.validFrames, frames)
        guard valid > 0, mode != "none" else { return }
        let rows = features.featureCount
        features.values.withUnsafeMutableBufferPointer { x in
            // One pass: the sum and the sum of squares in double precision (variance = (sum x^2 - n mean^2) / (n - 1)).
            func statistics(_ rowRange: Range<Int>) -> (mean: Float, scale: Float) {
                let n = Double(rowRange.count * valid)
                var total = 0.0, squares = 0.0
                for row in rowRange {
                    let (s, q) = sums(x.baseAddress! + row * frames, valid)
                    total += s
                    squares += q
                }
                let mean = total / n
                let variance = max(0, squares - n * mean * mean) / max(n - 1, 1)
                return (Float(mean), Float(1 / (variance.squareRoot() + 1e-5)))
            }
            func apply(_ rowRange: Range<Int>, _ s: (mean: Float, scale: Float)) {
                for row in rowRange {
                    for t in 0..<frames { x[row * frames + t] = (x[row * frames + t] - s.mean) * s.scale }
                }
            }
            if mode == "all_features" {
                apply(0..<rows, statistics(0..<rows))
            } else {
                for row in 0..<rows { apply(row..<(row + 1), statistics(row..<(row + 1))) }
            }
        }
    }

    /// The sum and the sum of squares of `count` values, in double precision, four lanes at a time.
    @inline(__always)
    static func sums(_ values: UnsafePointer<Float>, _ count: Int) -> (Double, Double) {
        var s = SIMD4<Double>(), q = SIMD4<Double>()
        var i = 0
        while i + 4 <= count {
            let v = SIMD4<Double>(Double(values[i]), Double(values[i + 1]), Double(values[i + 2]), Double(values[i + 3]))
            s += v
            q += v * v
            i += 4
        }
        var total = s.sum(), squares = q.sum()
        while i < count {
            let v = Double(values[i])
            total += v
            squares += v * v
            i += 1
        }
        return (total, squares)
    }

    /// Sets every frame from `validFrames` on to `padValue`.
    public static func mask(_ features: inout Features, padValue: Float) {
        let frames = features.frameCount, valid = features.validFrames
        guard valid < frames else { return }
        for row in 0..<features.featureCount {
            for t in valid..<frames { features.values[row * frames + t] = padValue }
        }
    }

    /// Appends `value` frames until the frame count is a multiple of `multiple` (0 or 1: unchanged).
    public static func pad(_ features: Features, toMultipleOf multiple: Int, value: Float) -> Features {
        guard multiple > 1, features.frameCount % multiple != 0 else { return features }
        let frames = features.frameCount, padded = (frames / multiple + 1) * multiple
        var values = [Float](repeating: value, count: features.featureCount * padded)
        for row in 0..<features.featureCount {
            for t in 0..<frames { values[row * padded + t] = features.values[row * frames + t] }
        }
        return Features(values: values, featureCount: features.featureCount, frameCount: padded, validFrames: features.validFrames)
    }
}
