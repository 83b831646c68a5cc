import Testing
@testable import TAOTensor

/// A tiny masked separable conv net: depthwise + pointwise + BatchNorm + ReLU, then a classifier conv.
private final class TinyConvNet: Module {
    let depthwise: Conv1d, pointwise: Conv1d, norm: BatchNorm1d, classifier: Conv1d
    init(features: Int, hidden: Int, classes: Int, rng: inout RandomGenerator) {
        depthwise = Conv1d(inChannels: features, outChannels: features, kernelSize: 5, groups: features, rng: &rng)
        pointwise = Conv1d(inChannels: features, outChannels: hidden, kernelSize: 1, rng: &rng)
        norm = BatchNorm1d(channels: hidden, eps: 1e-3)
        classifier = Conv1d(inChannels: hidden, outChannels: classes, kernelSize: 1, bias: true, rng: &rng)
    }
    var children: [(String, any Module)] {
        [("depthwise", depthwise), ("pointwise", pointwise), ("norm", norm), ("classifier", classifier)]
    }
    /// x: [B, features, T] -> log-probabilities [B, classes, T], padded frames zeroed before each conv.
    func callAsFunction(_ x: Tensor, lengths: [Int]) -> Tensor {
        let h = depthwise(x.maskedTime(lengths: lengths)).maskedTime(lengths: lengths)
        return classifier(norm(pointwise(h)).relu().maskedTime(lengths: lengths)).logSoftmax(axis: 1)
    }
}

@Test("a small conv net overfits one batch with Novograd: frame-classification loss falls below 0.05")
func overfitOneBatch() {
    var rng = RandomGenerator(seed: 11)
    let model = TinyConvNet(features: 8, hidden: 16, classes: 4, rng: &rng)
    let x = Tensor.normal([4, 8, 20], rng: &rng)
    // One-hot targets: class of each frame, a fixed random pattern.
    let targets = Tensor(zeros: [4, 4, 20])
    for b in 0..<4 { for t in 0..<20 { targets.pointer[(b * 4 + Int(rng.next() % 4)) * 20 + t] = 1 } }
    let optimizer = Novograd(parameters: model.parameters, learningRate: 0.05, betas: (0.8, 0.5), weightDecay: 0)
    var losses: [Float] = []
    for _ in 0..<150 {
        let loss = -(model(x, lengths: [20, 20, 20, 20]) * targets).sum() / 80
        optimizer.zeroGrad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item)
    }
    #expect(losses[0] > 1)
    #expect(losses.last! < 0.05, "losses: \(losses.first!) ... \(losses.last!)")
}

@Test("batch invariance: each utterance of a padded batch gives the same outputs as alone (evaluation mode)")
func paddedBatchMatchesSingleItems() {
    var rng = RandomGenerator(seed: 12)
    let model = TinyConvNet(features: 4, hidden: 6, classes: 3, rng: &rng)
    model.setTraining(false)
    let short = Tensor.normal([1, 4, 9], rng: &rng), long = Tensor.normal([1, 4, 14], rng: &rng)
    let padded = concatenate([concatenate([short, Tensor.normal([1, 4, 5], rng: &rng)], axis: 2), long], axis: 0)
    let batch = withNoGrad { model(padded, lengths: [9, 14]) }
    let alone = withNoGrad { (model(short, lengths: [9]), model(long, lengths: [14])) }
    #expect(maxAbsDifference(batch.sliced(axis: 0, 0..<1).sliced(axis: 2, 0..<9).scalars, alone.0.scalars) < 1e-5)
    #expect(maxAbsDifference(batch.sliced(axis: 0, 1..<2).scalars, alone.1.scalars) < 1e-5)
}
