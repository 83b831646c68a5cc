/// Cross-entropy of logits against class indices (PyTorch's `F.cross_entropy`), with its gradient.

/// Mean cross-entropy of `logits` `[count, classes]` against `targets` `[count]` (one class index per row).
/// Rows whose target is `ignoreIndex` do not count; with `classWeights` `[classes]` each row's loss is weighted
/// by its target's weight and the mean divides by the sum of those weights (PyTorch's convention).
/// Returns a scalar; 0 when every row is ignored.
public func crossEntropy(_ logits: Tensor, targets indexTargets: IndexTensor, classWeights: Tensor? = nil, ignoreIndex: Int = -100) -> Tensor {
    precondition(logits.rank == 2 && indexTargets.shape == [logits.shape[0]],
                 "crossEntropy needs logits [N, C] and targets [N], got \(logits.shape) and \(indexTargets.shape)")
    let targets = indexTargets.values.map { Int($0) }
    let classes = logits.shape[1]
    precondition(targets.allSatisfy { $0 == ignoreIndex || ($0 >= 0 && $0 < classes) }, "a target is outside 0..<\(classes)")
    if let classWeights { precondition(classWeights.shape == [classes], "class weights \(classWeights.shape) do not fit \(classes) classes") }
    let weights = classWeights.map { $0.scalars } ?? [Float](repeating: 1, count: classes)
    let logProbabilities = withNoGrad { logits.logSoftmax(axis: -1) }
    let lp = logProbabilities.pointer
    var total: Double = 0, weightSum: Double = 0
    for (row, target) in targets.enumerated() where target != ignoreIndex {
        total -= Double(weights[target] * lp[row * classes + target])
        weightSum += Double(weights[target])
    }
    let normalizer = weightSum > 0 ? Float(weightSum) : 1
    let out = Tensor(scalar: Float(total) / normalizer)
    return out.recording([logits]) { g in
        // d/dlogits = w[y] (softmax - onehot(y)) / sum w, zero for ignored rows.
        let scale = g.item / normalizer
        let gradient = Tensor(zeros: logits.shape)
        let gp = gradient.pointer, lp = logProbabilities.pointer
        for (row, target) in targets.enumerated() where target != ignoreIndex {
            let factor = scale * weights[target]
            for c in 0..<classes { gp[row * classes + c] = factor * lp[row * classes + c].exp }
            gp[row * classes + target] -= factor
        }
        return [gradient]
    }
}
