import Foundation

/// A Slaney-style mel filterbank (librosa's `filters.mel(htk=False, norm="slaney")`, as NeMo uses), stored sparsely:
/// each triangular filter keeps only its non-zero run of FFT bins, about two weights per bin in all.
public struct MelFilterbank: Sendable, Equatable {
    /// Number of mel bands.
    public let bandCount: Int
    /// FFT bins per frame: nFFT / 2 + 1.
    public let binCount: Int
    /// First non-zero bin of each band.
    let starts: [Int]
    /// Offset of each band's weights in `weights`; band m owns `weights[offsets[m] ..< offsets[m + 1]]`.
    let offsets: [Int]
    /// The non-zero weights of all bands, concatenated.
    let weights: [Float]

    /// The filterbank for `bandCount` bands between `lowFrequency` and `highFrequency` (Hz) over an `nFFT`-point
    /// spectrum at `sampleRate` Hz, each scaled to unit area (`slaneyNorm`, librosa's `norm="slaney"`) or left with
    /// peak 1. Weights are computed in double precision and rounded to float, as librosa does.
    public init(bandCount: Int, nFFT: Int, sampleRate: Int, lowFrequency: Double = 0, highFrequency: Double? = nil,
                slaneyNorm: Bool = true) {
        self.bandCount = bandCount
        binCount = nFFT / 2 + 1
        let dense = Self.denseWeights(bandCount: bandCount, nFFT: nFFT, sampleRate: Double(sampleRate),
                                      low: lowFrequency, high: highFrequency ?? Double(sampleRate) / 2, slaneyNorm: slaneyNorm)
        var starts: [Int] = [], offsets: [Int] = [0], weights: [Float] = []
        for band in 0..<bandCount {
            let row = dense[(band * binCount)..<((band + 1) * binCount)]
            let first = row.firstIndex { $0 != 0 } ?? row.startIndex
            let last = row.lastIndex { $0 != 0 } ?? (first - 1)
            starts.append(first - row.startIndex)
            weights.append(contentsOf: row[first..<(last + 1)])
            offsets.append(weights.count)
        }
        self.starts = starts
        self.offsets = offsets
        self.weights = weights
    }

    /// The dense `[bandCount, binCount]` matrix, row-major (for tests and inspection).
    public var dense: [Float] {
        var matrix = [Float](repeating: 0, count: bandCount * binCount)
        for band in 0..<bandCount {
            for (k, weight) in weights[offsets[band]..<offsets[band + 1]].enumerated() {
                matrix[band * binCount + starts[band] + k] = weight
            }
        }
        return matrix
    }

    // Slaney's mel scale: linear below 1 kHz (200/3 Hz per mel), logarithmic above (27 mels per factor 6.4).
    private static let linearStep = 200.0 / 3
    private static let breakMel = 1000.0 / linearStep
    private static let logStep = Foundation.log(6.4) / 27

    static func hertzToMel(_ hz: Double) -> Double {
        hz >= 1000 ? breakMel + Foundation.log(hz / 1000) / logStep : hz / linearStep
    }

    static func melToHertz(_ mel: Double) -> Double {
        mel >= breakMel ? 1000 * exp(logStep * (mel - breakMel)) : linearStep * mel
    }

    /// Triangles between mel-spaced edges, each scaled by 2 / (its width in Hz) so every filter has unit area
    /// (when `slaneyNorm`).
    private static func denseWeights(bandCount: Int, nFFT: Int, sampleRate: Double, low: Double, high: Double, slaneyNorm: Bool) -> [Float] {
        let binCount = nFFT / 2 + 1
        let binHz = (0..<binCount).map { Double($0) * sampleRate / Double(nFFT) }
        let lowMel = hertzToMel(low), highMel = hertzToMel(high)
        let edges = (0..<(bandCount + 2)).map { melToHertz(lowMel + (highMel - lowMel) * Double($0) / Double(bandCount + 1)) }
        var matrix = [Float](repeating: 0, count: bandCount * binCount)
        for band in 0..<bandCount {
            let left = edges[band], centre = edges[band + 1], right = edges[band + 2]
            let norm = slaneyNorm ? 2 / (right - left) : 1
            for bin in 0..<binCount {
                let rising = (binHz[bin] - left) / (centre - left)
                let falling = (right - binHz[bin]) / (right - centre)
                // librosa stores the triangle in float32, then scales it: round twice, as it does.
                let triangle = Float(max(0, min(rising, falling)))
                matrix[band * binCount + bin] = Float(Double(triangle) * norm)
            }
        }
        return matrix
    }
}
