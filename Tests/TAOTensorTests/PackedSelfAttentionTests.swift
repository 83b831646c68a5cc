import Testing
@testable import TAOTensor

/// Splits packed `[batch, tokens, 3 * hidden]` into q, k, v of `[batch, heads, tokens, d]` (reference path).
private func splitHeads(_ qkv: Tensor, heads: Int) -> (Tensor, Tensor, Tensor) {
    let (batch, tokens, hidden) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
    func part(_ i: Int) -> Tensor {
        qkv.sliced(axis: 2, (i * hidden)..<((i + 1) * hidden)).reshaped([batch, tokens, heads, hidden / heads]).permuted([0, 2, 1, 3])
    }
    return (part(0), part(1), part(2))
}

@Test("packed self-attention equals split heads + scaledDotProductAttention + merged heads, with padding")
func packedAttentionMatchesReference() {
    let qkv = randomTensor([2, 5, 3 * 8], seed: 1)
    let lengths = [5, 3]
    let packed = packedSelfAttention(qkv, heads: 2, lengths: lengths)
    let (q, k, v) = splitHeads(qkv, heads: 2)
    let reference = scaledDotProductAttention(query: q, key: k, value: v, keyLengths: lengths).permuted([0, 2, 1, 3]).reshaped([2, 5, 8])
    #expect(packed.shape == [2, 5, 8])
    #expect(maxAbsDifference(packed.scalars, reference.scalars) < 1e-6)
}

@Test("without a tape, attention on the packed kernel split over threads equals the taped path, with padding")
func inferenceAttentionMatchesTapedPath() {
    // 3 items x 4 heads of 37 tokens: enough work for two parts on the spinning pool; one item has a single valid key.
    let values = randomTensor([3, 37, 3 * 64], seed: 5)
    let lengths = [37, 20, 1]
    let inference = withNoGrad { packedSelfAttention(values, heads: 4, lengths: lengths) }
    let taped = Tensor(values.scalars, shape: values.shape, requiresGrad: true)
    let reference = packedSelfAttention(taped, heads: 4, lengths: lengths)
    #expect(reference.needsGrad)
    #expect(maxAbsDifference(inference.scalars, reference.scalars) < 1e-5)
}

@Test("packed self-attention gradient matches finite differences (with and without padding)")
func packedAttentionGradient() {
    let qkv = randomTensor([2, 4, 3 * 6], seed: 2)
    #expect(gradientMismatch([qkv]) { packedSelfAttention($0[0], heads: 3, lengths: [4, 2]) } == nil)
}

@Test("attention-probability dropout: same seed, same output; gradient matches finite differences")
func packedAttentionDropoutGradient() {
    let qkv = randomTensor([1, 6, 3 * 4], seed: 3)
    let a = packedSelfAttention(qkv, heads: 2, dropout: (0.3, 11)), b = packedSelfAttention(qkv, heads: 2, dropout: (0.3, 11))
    #expect(a.scalars == b.scalars)
    #expect(a.scalars != packedSelfAttention(qkv, heads: 2).scalars)
    #expect(gradientMismatch([qkv]) { packedSelfAttention($0[0], heads: 2, lengths: [5], dropout: (0.3, 11)) } == nil)
}

@Test("fused affine equals the separate affine maps concatenated, packed or not, and its gradients match finite differences")
func fusedAffineMatchesSeparate() {
    let x = randomTensor([2, 3, 4], seed: 4)
    let packed = Tensor.packedParameters([[5, 4], [2, 4]])
    for (i, w) in packed.enumerated() { w.assign(randomTensor(w.shape, seed: 10 + UInt64(i))) }
    #expect(Tensor.packed(packed) != nil)
    let biases = [randomTensor([5], seed: 20), randomTensor([2], seed: 21)]
    let fused = affine(x, weights: packed, biases: biases)
    let separate = concatenate([affine(x, weight: packed[0], bias: biases[0]), affine(x, weight: packed[1], bias: biases[1])], axis: 2)
    #expect(maxAbsDifference(fused.scalars, separate.scalars) < 1e-5)
    let loose = [randomTensor([5, 4], seed: 10), randomTensor([2, 4], seed: 11)]
    #expect(Tensor.packed(loose) == nil)
    #expect(maxAbsDifference(affine(x, weights: loose, biases: biases).scalars, fused.scalars) < 1e-6)
    #expect(gradientMismatch([x] + loose + biases) { affine($0[0], weights: [$0[1], $0[2]], biases: [$0[3], $0[4]]) } == nil)
}

extension Tensor {
    fileprivate func assign(_ source: Tensor) { pointer.update(from: source.contiguousValues().pointer, count: count) }
}
