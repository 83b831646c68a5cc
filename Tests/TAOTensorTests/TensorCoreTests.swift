import Testing
@testable import TAOTensor

@Test("views share storage: transpose, slice and expand copy nothing and read the right elements")
func viewsReadTheRightElements() {
    let x = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
    let t = x.transposed(1, 2)
    #expect(t.shape == [2, 4, 3])
    #expect(t.storage === x.storage)
    #expect(t.scalars.prefix(6) == [0, 4, 8, 1, 5, 9])
    let s = x.sliced(axis: 2, 1..<3)
    #expect(s.storage === x.storage)
    #expect(s.scalars == [1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22])
    let e = Tensor([1, 2, 3], shape: [3, 1]).expanded([2, 3, 2])
    #expect(e.strides == [0, 1, 0])
    #expect(e.scalars == [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3])
    let p = x.permuted([2, 0, 1])
    #expect(p.shape == [4, 2, 3])
    #expect(p.scalars.prefix(4) == [0, 4, 8, 12])
    #expect(x.reshaped([4, -1]).shape == [4, 6])
}

@Test("broadcasting arithmetic matches hand-computed values")
func broadcastingArithmetic() {
    let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
    let b = Tensor([10, 20, 30], shape: [3])
    #expect((a + b).scalars == [11, 22, 33, 14, 25, 36])
    #expect((a * Tensor([2, 3], shape: [2, 1])).scalars == [2, 4, 6, 12, 15, 18])
    #expect((a - 1).scalars == [0, 1, 2, 3, 4, 5])
    #expect((Tensor([1, 2], shape: [2, 1]) / Tensor([1, 2], shape: [1, 2])).scalars == [1, 0.5, 2, 1])
    #expect((a.transposed() + Tensor([1, 2], shape: [2])).scalars == [2, 6, 3, 7, 4, 8])
}

@Test("sum, mean, max and variance over axes match hand-computed values")
func reductions() {
    let x = Tensor([1, 5, 3, 4, 2, 6], shape: [2, 3])
    #expect(x.sum().item == 21)
    #expect(x.sum(axes: [0]).scalars == [5, 7, 9])
    #expect(x.sum(axes: [1], keepDims: true).shape == [2, 1])
    #expect(x.mean(axes: [1]).scalars == [3, 4])
    #expect(x.max(axes: [1]).scalars == [5, 6])
    #expect(x.max(axes: [0]).scalars == [4, 5, 6])
    #expect(abs(x.variance(axes: [1]).scalars[0] - 4) < 1e-6)
    #expect(abs(x.variance(axes: [1], unbiased: false).scalars[1] - 8.0 / 3) < 1e-6)
}

@Test("matmul and batched matmul agree with a naive triple loop, with transposed views passed to BLAS")
func matmulMatchesNaiveLoop() {
    func naive(_ a: Tensor, _ b: Tensor) -> [Float] {
        let (bt, m, k, n) = (a.shape[0], a.shape[1], a.shape[2], b.shape[2])
        let av = a.scalars, bv = b.scalars
        var out = [Float](repeating: 0, count: bt * m * n)
        for i in 0..<bt { for r in 0..<m { for c in 0..<n { for j in 0..<k {
            out[(i * m + r) * n + c] += av[(i * m + r) * k + j] * bv[(i * k + j) * n + c]
        } } } }
        return out
    }
    let a = randomTensor([3, 4, 5], seed: 1), b = randomTensor([3, 5, 6], seed: 2)
    #expect(maxAbsDifference(matmul(a, b).scalars, naive(a, b)) < 1e-5)
    let at = randomTensor([3, 5, 4], seed: 3).transposed()
    let bt = randomTensor([3, 6, 5], seed: 4).transposed()
    #expect(maxAbsDifference(matmul(at, bt).scalars, naive(at.contiguous(), bt.contiguous())) < 1e-5)
    let shared = randomTensor([5, 6], seed: 5)
    #expect(maxAbsDifference(matmul(a, shared).scalars, naive(a, shared.expanded([3, 5, 6]))) < 1e-5)
    #expect(maxAbsDifference(matmul(at, shared).scalars, naive(at.contiguous(), shared.expanded([3, 5, 6]))) < 1e-5)
}

@Test("a seeded generator repeats its sequence, and initializers respect their bounds")
func seededRandomness() {
    var r1 = RandomGenerator(seed: 7), r2 = RandomGenerator(seed: 7)
    #expect((0..<5).map { _ in r1.next() } == (0..<5).map { _ in r2.next() })
    var rng = RandomGenerator(seed: 3)
    let w = Tensor.xavierUniform([64, 32, 3], rng: &rng)
    let bound = (6.0 / Float(32 * 3 + 64 * 3)).squareRoot()
    #expect(w.scalars.allSatisfy { abs($0) <= bound })
    #expect(w.requiresGrad)
    let n = Tensor.normal([20000], mean: 1, std: 2, rng: &rng)
    #expect(abs(n.mean().item - 1) < 0.05)
    #expect(abs(n.variance().item.squareRoot() - 2) < 0.05)
    let k = Tensor.kaimingUniform([16, 8], rng: &rng)
    #expect(k.scalars.allSatisfy { abs($0) <= (6.0 / 8).squareRoot() })
}
