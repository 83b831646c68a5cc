import Dispatch
import Foundation

/// Connectionist temporal classification loss (Graves et al. 2006) computed in log space, blank last
/// as NeMo uses it.
///
/// For an utterance with log-probabilities `lp[t][k]` over `T` valid frames and target `y` (length `S`), the
/// extended label sequence is `l = (blank, y1, blank, y2, ..., yS, blank)`. The forward variables are
/// `alpha[t][s] = lp[t][l[s]] + logsumexp(alpha[t-1][s], alpha[t-1][s-1], alpha[t-1][s-2] if l[s] != blank and l[s] != l[s-2])`,
/// the backward ones the mirror image, and the loss is `-log p(y|x) = -logsumexp(alpha[T-1][L-1], alpha[T-1][L-2])`.
/// The gradient with respect to `lp[t][k]` is minus the posterior occupancy of label `k` at frame `t`:
/// `-sum over s with l[s] = k of exp(alpha[t][s] + beta[t][s] - lp[t][l[s]] + loss)`. (PyTorch's `ctc_loss` reports
/// `exp(lp) - occupancy` instead, which is this gradient carried through a log-softmax.)
public struct CTCLoss: Sendable {
    /// How per-utterance losses become the loss that is minimized.
    public enum Reduction: String, Sendable, CaseIterable {
        /// Per-utterance losses, not combined.
        case none
        case sum
        /// Each loss divided by its target length, then averaged over the batch (PyTorch's `mean`).
        case mean
        /// Averaged over the batch (NeMo's default).
        case meanBatch = "mean_batch"
    }

    /// Result of one batch.
    public struct Output: Sendable {
        /// Negative log-likelihood of each utterance (nats); 0 for impossible ones when `zeroInfinity`.
        public var losses: [Double]
        /// The reduced loss (`sum` of `losses` for `.none`).
        public var loss: Double
        /// d(loss)/d(logProbs), laid out as the input `[batch, time, vocab]`; nil when not asked for.
        public var gradient: [Float]?
        /// Utterances with no alignment (too few frames for their target), whose loss `zeroInfinity` made 0.
        public var impossible: Int = 0
    }

    public var blank: Int
    public var reduction: Reduction
    /// Impossible alignments (too few frames for the target) give loss 0 and no gradient instead of infinity.
    public var zeroInfinity: Bool

    public init(blank: Int, reduction: Reduction = .meanBatch, zeroInfinity: Bool = false) {
        self.blank = blank
        self.reduction = reduction
        self.zeroInfinity = zeroInfinity
    }

    /// The loss of a batch.
    /// - Parameters:
    ///   - logProbs: `[batch, time, vocab]` row-major log-probabilities (log-softmax over vocab).
    ///   - inputLengths: valid frames of each utterance (frames past it are ignored and get zero gradient).
    ///   - targets: label ids of each utterance, none of them the blank.
    public func callAsFunction(logProbs: UnsafeBufferPointer<Float>, batch: Int, time: Int, vocab: Int,
                               inputLengths: [Int], targets: [[Int]], gradient wantsGradient: Bool = true) -> Output {
        precondition(logProbs.count == batch * time * vocab, "logProbs has \(logProbs.count) values, expected \(batch)x\(time)x\(vocab)")
        precondition(inputLengths.count == batch && targets.count == batch, "one input length and one target per utterance")
        var losses = [Double](repeating: 0, count: batch)
        let stride = time * vocab
        var values = [Float](repeating: 0, count: wantsGradient ? batch * stride : 0)
        losses.withUnsafeMutableBufferPointer { lossBuffer in
            values.withUnsafeMutableBufferPointer { gradientBuffer in
                // Utterances are independent: one per iteration, spread over the cores.
                forEachItemInParallel(batch) { b in
                    let frames = min(max(inputLengths[b], 0), time)
                    let input = UnsafeBufferPointer(rebasing: logProbs[(b * stride)..<(b * stride + frames * vocab)])
                    let output = wantsGradient
                        ? UnsafeMutableBufferPointer(rebasing: gradientBuffer[(b * stride)..<(b * stride + frames * vocab)]) : nil
                    lossBuffer[b] = utterance(input, frames: frames, vocab: vocab, target: targets[b], gradient: output)
                }
            }
        }
        // Scale per-utterance gradients by the reduction's weight of each loss.
        var weights = [Double](repeating: 1, count: batch)
        var impossible = 0
        for b in 0..<batch {
            if !losses[b].isFinite && zeroInfinity {
                losses[b] = 0
                weights[b] = 0
                impossible += 1
            }
            switch reduction {
            case .none, .sum: break
            case .mean: weights[b] /= Double(max(targets[b].count, 1)) * Double(batch)
            case .meanBatch: weights[b] /= Double(batch)
            }
        }
        if wantsGradient {
            for b in 0..<batch where weights[b] != 1 {
                let scale = Float(weights[b])
                for index in (b * stride)..<((b + 1) * stride) { values[index] *= scale }
            }
        }
        let loss: Double
        switch reduction {
        case .none, .sum: loss = losses.reduce(0, +)
        case .mean: loss = zip(losses, targets).reduce(0) { $0 + $1.0 / Double(max($1.1.count, 1)) } / Double(max(batch, 1))
        case .meanBatch: loss = losses.reduce(0, +) / Double(max(batch, 1))
        }
        return Output(losses: losses, loss: loss, gradient: wantsGradient ? values : nil, impossible: impossible)
    }

    /// Loss of one utterance; writes d(loss)/d(logProbs) into `gradient` (frames x vocab) when given.
    private func utterance(_ lp: UnsafeBufferPointer<Float>, frames: Int, vocab: Int, target: [Int],
                           gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        let labels = [blank] + target.flatMap { [$0, blank] }
        let count = labels.count
        guard frames > 0 else { return target.isEmpty ? 0 : .infinity }
        func emit(_ t: Int, _ s: Int) -> Double { Double(lp[t * vocab + labels[s]]) }
        func canSkip(_ s: Int) -> Bool { s >= 2 && labels[s] != blank && labels[s] != labels[s - 2] }

        var alpha = [Double](repeating: -.infinity, count: frames * count)
        alpha[0] = emit(0, 0)
        if count > 1 { alpha[1] = emit(0, 1) }
        for t in 1..<frames {
            for s in 0..<count {
                var sum = alpha[(t - 1) * count + s]
                if s >= 1 { sum = logAdd(sum, alpha[(t - 1) * count + s - 1]) }
                if canSkip(s) { sum = logAdd(sum, alpha[(t - 1) * count + s - 2]) }
                alpha[t * count + s] = sum == -.infinity ? -.infinity : sum + emit(t, s)
            }
        }
        let last = (frames - 1) * count
        let logLikelihood = count > 1 ? logAdd(alpha[last + count - 1], alpha[last + count - 2]) : alpha[last]
        guard logLikelihood > -.infinity else {
            if let gradient { gradient.update(repeating: 0) }
            return .infinity
        }
        guard let gradient else { return -logLikelihood }

        var beta = [Double](repeating: -.infinity, count: frames * count)
        beta[last + count - 1] = emit(frames - 1, count - 1)
        if count > 1 { beta[last + count - 2] = emit(frames - 1, count - 2) }
        for t in stride(from: frames - 2, through: 0, by: -1) {
            for s in 0..<count {
                var sum = beta[(t + 1) * count + s]
                if s + 1 < count { sum = logAdd(sum, beta[(t + 1) * count + s + 1]) }
                if s + 2 < count && canSkip(s + 2) { sum = logAdd(sum, beta[(t + 1) * count + s + 2]) }
                beta[t * count + s] = sum == -.infinity ? -.infinity : sum + emit(t, s)
            }
        }
        // Occupancy of each label at each frame, accumulated in log space.
        var occupancy = [Double](repeating: -.infinity, count: vocab)
        for t in 0..<frames {
            for k in 0..<vocab { occupancy[k] = -.infinity }
            for s in 0..<count {
                let both = alpha[t * count + s] + beta[t * count + s]
                if both > -.infinity { occupancy[labels[s]] = logAdd(occupancy[labels[s]], both - emit(t, s)) }
            }
            for k in 0..<vocab {
                gradient[t * vocab + k] = occupancy[k] == -.infinity ? 0 : -Float(exp(occupancy[k] - logLikelihood))
            }
        }
        return -logLikelihood
    }
}

/// log(exp(a) + exp(b)) without overflow.
@inline(__always)
func logAdd(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
}
