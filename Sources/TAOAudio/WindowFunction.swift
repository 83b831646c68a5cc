import Foundation

/// Analysis windows as NeMo builds them: symmetric (`torch.*_window(n, periodic=False)`), computed in double precision.
public enum WindowFunction: String, Sendable, CaseIterable {
    case hann, hamming, blackman, bartlett
    /// Rectangular: every weight is 1 (NeMo's `window: none`).
    case none

    /// The `length` weights of this window (double precision: the front end windows in double and rounds once).
    public func weights(length: Int) -> [Double] {
        guard length > 1 else { return [Double](repeating: 1, count: max(length, 0)) }
        let denominator = Double(length - 1)
        return (0..<length).map { n in
            let phase = 2 * Double.pi * Double(n) / denominator
            let w: Double = switch self {
            case .hann: 0.5 - 0.5 * cos(phase)
            case .hamming: 0.54 - 0.46 * cos(phase)
            case .blackman: 0.42 - 0.5 * cos(phase) + 0.08 * cos(2 * phase)
            case .bartlett: 1 - abs(2 * Double(n) / denominator - 1)
            case .none: 1
            }
            return w
        }
    }
}
