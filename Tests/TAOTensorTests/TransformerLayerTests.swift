import Testing
@testable import TAOTensor

@Test("layer norm, embedding, cross-entropy, attention, linear and squeeze-excitation gradients match finite differences")
func transformerOpGradients() {
    let x = randomTensor([2, 3, 4], seed: 1, low: -2, high: 2)
    let weight = randomTensor([4], seed: 2, low: 0.5, high: 1.5), bias = randomTensor([4], seed: 3)
    #expect(gradientMismatch([x, weight, bias]) { layerNorm($0[0], weight: $0[1], bias: $0[2], eps: 1e-5) } == nil)
    let table = randomTensor([5, 3], seed: 4)
    #expect(gradientMismatch([table]) { gatherRows($0[0], IndexTensor([4, 0, 4, 2], shape: [2, 2])) } == nil)
    let logits = randomTensor([5, 4], seed: 5, low: -3, high: 3), classWeights = Tensor([1, 0.5, 2, 1.5], shape: [4])
    #expect(gradientMismatch([logits]) { crossEntropy($0[0], targets: IndexTensor([0, 3, -100, 2, 1]), classWeights: classWeights) } == nil)
    let q = randomTensor([2, 2, 3, 4], seed: 6), k = randomTensor([2, 2, 5, 4], seed: 7), v = randomTensor([2, 2, 5, 4], seed: 8)
    #expect(gradientMismatch([q, k, v]) { scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], keyLengths: [5, 2]) } == nil)
    var rng = RandomGenerator(seed: 9)
    let linear = Linear(inFeatures: 4, outFeatures: 3, rng: &rng)
    #expect(gradientMismatch([x, linear.weight, linear.bias!]) { linear($0[0]) } == nil)
    let se = SqueezeExcitation(channels: 8, reduction: 4, rng: &rng)
    let frames = randomTensor([2, 8, 5], seed: 10)
    #expect(gradientMismatch([frames, se.squeeze.weight, se.excite.weight]) { se($0[0], lengths: [5, 3]) } == nil)
}

@Test("cross-entropy ignores ignore_index rows and weights by class like PyTorch")
func crossEntropyValues() {
    let logits = Tensor([0, 0, 0, 0, 0, 0], shape: [2, 3])
    // Uniform logits: every row's loss is ln 3; weights 2 and 1 on targets 0 and 2 average to ln 3.
    #expect(abs(crossEntropy(logits, targets: IndexTensor([0, 2]), classWeights: Tensor([2, 1, 1], shape: [3])).item - Float(3).log) < 1e-6)
    #expect(crossEntropy(logits, targets: IndexTensor([-100, -100])).item == 0)
}

@Test("the fused affine op equals matmul plus bias and has finite-difference-correct gradients, with and without bias")
func affineMatchesComposition() {
    let x = randomTensor([2, 3, 5], seed: 41), w = randomTensor([4, 5], seed: 42), b = randomTensor([4], seed: 43)
    #expect(maxAbsDifference(affine(x, weight: w, bias: b).scalars, (matmul(x, w.transposed()) + b).scalars) < 1e-6)
    #expect(gradientMismatch([x, w, b]) { affine($0[0], weight: $0[1], bias: $0[2]) } == nil)
    #expect(gradientMismatch([x, w]) { affine($0[0].transposed(0, 1), weight: $0[1], bias: nil) } == nil)
}

@Test("index tensors: int32 storage in a shape; an embedding lookup returns indices.shape + [dimension] rows of its table")
func indexTensorLookup() {
    let indices = IndexTensor([2, 0, 1, 2, 2, 0], shape: [2, 3])
    #expect(indices.values == [2, 0, 1, 2, 2, 0] && indices.rank == 2 && indices.count == 6 && indices[3] == 2)
    #expect(indices.reshaped([3, 2]).shape == [3, 2])
    let embedding = Embedding(weight: Tensor([0, 1, 10, 11, 20, 21], shape: [3, 2]))
    let rows = embedding(indices)
    #expect(rows.shape == [2, 3, 2])
    #expect(rows.scalars == [20, 21, 0, 1, 10, 11, 20, 21, 20, 21, 0, 1])
}
