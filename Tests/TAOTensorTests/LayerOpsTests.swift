import Testing
@testable import TAOTensor

@Test("batch norm in training normalizes per channel and updates running statistics like PyTorch")
func batchNormTraining() {
    let bn = BatchNorm1d(channels: 2, momentum: 0.1, eps: 1e-5)
    let x = Tensor([1, 2, 3, 4, 10, 20, 30, 40], shape: [2, 2, 2])
    let y = bn(x)
    // Channel 0 holds 1, 2, 10, 20: mean 8.25, biased variance 58.1875, unbiased 77.583.
    let expected0 = [1, 2, 10, 20].map { (Float($0) - 8.25) / (58.1875 + 1e-5).squareRoot() }
    #expect(maxAbsDifference([y.scalars[0], y.scalars[1], y.scalars[4], y.scalars[5]], expected0) < 1e-5)
    #expect(abs(bn.runningMean.scalars[0] - 0.825) < 1e-5)
    #expect(abs(bn.runningVar.scalars[0] - (0.9 + 0.1 * 77.583336)) < 1e-4)
}

@Test("batch norm gradients match finite differences in training and in evaluation")
func batchNormGradients() {
    for training in [true, false] {
        let x = randomTensor([3, 2, 5], seed: 1), weight = randomTensor([2], seed: 2, low: 0.5, high: 1.5)
        let bias = randomTensor([2], seed: 3)
        let mismatch = gradientMismatch([x, weight, bias]) {
            // Fresh statistics each call, so the finite differences see the same running values.
            let stats = BatchNormStatistics(mean: Tensor([0.1, -0.2], shape: [2]), variance: Tensor([1.5, 0.7], shape: [2]), momentum: 0.1)
            return batchNorm($0[0], weight: $0[1], bias: $0[2], statistics: stats, training: training, eps: 1e-3)
        }
        #expect(mismatch == nil, "training \(training): \(String(describing: mismatch))")
    }
}

@Test("activations, softmax, log-softmax, dropout and time masks have finite-difference-correct gradients")
func activationGradients() {
    let x = randomTensor([2, 3, 4], seed: 9, low: -2, high: 2)
    #expect(gradientMismatch([x]) { $0[0].relu() } == nil)
    #expect(gradientMismatch([x]) { $0[0].sigmoid() } == nil)
    #expect(gradientMismatch([x]) { $0[0].tanh() } == nil)
    #expect(gradientMismatch([x]) { $0[0].gelu() } == nil)
    #expect(gradientMismatch([x]) { $0[0].silu() } == nil)
    #expect(gradientMismatch([x]) { $0[0].hardtanh(minimum: -0.5, maximum: 0.5) } == nil)
    #expect(gradientMismatch([x]) { $0[0].logSoftmax(axis: 1) } == nil)
    #expect(gradientMismatch([x]) { $0[0].softmax(axis: -1) } == nil)
    #expect(gradientMismatch([x]) { $0[0].maskedTime(lengths: [4, 2]) } == nil)
    #expect(gradientMismatch([x]) { inputs in
        var rng = RandomGenerator(seed: 5)
        return inputs[0].dropout(probability: 0.3, rng: &rng)
    } == nil)
}

@Test("log-softmax rows exponentiate to one; masks zero exactly the padded frames")
func softmaxAndMaskValues() {
    let x = randomTensor([2, 5, 3], seed: 4, low: -20, high: 20)
    let sums = x.logSoftmax(axis: 1).exp().sum(axes: [1]).scalars
    #expect(sums.allSatisfy { abs($0 - 1) < 1e-5 })
    let masked = Tensor(repeating: 1, shape: [2, 1, 4]).maskedTime(lengths: [4, 1]).scalars
    #expect(masked == [1, 1, 1, 1, 1, 0, 0, 0])
    var rng = RandomGenerator(seed: 1)
    let dropped = Tensor(repeating: 1, shape: [10000]).dropout(probability: 0.25, rng: &rng).scalars
    let kept = dropped.filter { $0 != 0 }
    #expect(abs(Float(kept.count) / 10000 - 0.75) < 0.02)
    #expect(kept.allSatisfy { abs($0 - 4.0 / 3) < 1e-6 })
}
