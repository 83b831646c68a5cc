import Testing
@testable import TAOTensor

@Test("gradients accumulate across backward calls and through a tensor used twice")
func gradientsAccumulate() {
    let x = Tensor([1, 2, 3], shape: [3], requiresGrad: true)
    (x * x + x).sum().backward()
    #expect(x.grad?.scalars == [3, 5, 7])
    (x * 2).sum().backward()
    #expect(x.grad?.scalars == [5, 7, 9])
    x.zeroGrad()
    #expect(x.grad == nil)
}

@Test("no-grad mode records nothing, and detach cuts the graph")
func noGradAndDetach() {
    let x = Tensor([1, 2], shape: [2], requiresGrad: true)
    let y = withNoGrad { x * 3 }
    #expect(y.gradNode == nil)
    let z = (x * 3).detached()
    #expect(!z.needsGrad)
    let w = x * 3
    #expect(w.gradNode != nil)
    ((x * x).detached() * x).sum().backward()
    #expect(x.grad?.scalars == [1, 4])
}

@Test("elementwise ops and views have finite-difference-correct gradients")
func elementwiseGradients() {
    let a = randomTensor([2, 3], seed: 1), b = randomTensor([3], seed: 2, low: 0.5, high: 2)
    #expect(gradientMismatch([a, b]) { $0[0] + $0[1] } == nil)
    #expect(gradientMismatch([a, b]) { $0[0] - $0[1] } == nil)
    #expect(gradientMismatch([a, b]) { $0[0] * $0[1] } == nil)
    #expect(gradientMismatch([a, b]) { $0[0] / $0[1] } == nil)
    #expect(gradientMismatch([b]) { $0[0].log() + $0[0].sqrt() + $0[0].exp() - (-$0[0]).squared() } == nil)
    #expect(gradientMismatch([a]) { $0[0].transposed().reshaped([6]).sliced(axis: 0, 1..<5) } == nil)
    #expect(gradientMismatch([b]) { $0[0].unsqueezed(0).expanded([4, 3]).permuted([1, 0]).contiguous() } == nil)
    #expect(gradientMismatch([a, randomTensor([2, 2], seed: 3)]) { concatenate([$0[0], $0[1]], axis: 1) } == nil)
}

@Test("reductions have finite-difference-correct gradients")
func reductionGradients() {
    let x = randomTensor([2, 3, 4], seed: 4)
    #expect(gradientMismatch([x]) { $0[0].sum(axes: [0, 2]) } == nil)
    #expect(gradientMismatch([x]) { $0[0].mean(axes: [1], keepDims: true) } == nil)
    #expect(gradientMismatch([x]) { $0[0].max(axes: [2]) } == nil)
    #expect(gradientMismatch([x]) { $0[0].variance(axes: [0, 2]) } == nil)
}

@Test("matmul has finite-difference-correct gradients, batched, broadcast and transposed")
func matmulGradients() {
    let a = randomTensor([2, 3, 4], seed: 5), b = randomTensor([2, 4, 2], seed: 6), w = randomTensor([4, 3], seed: 7)
    #expect(gradientMismatch([a, b]) { matmul($0[0], $0[1]) } == nil)
    #expect(gradientMismatch([a, w]) { matmul($0[0], $0[1]) } == nil)
    #expect(gradientMismatch([a, w]) { matmul($0[0], $0[1].transposed().transposed()) } == nil)
    #expect(gradientMismatch([w, b]) { matmul($0[0].transposed(), $0[1].sliced(axis: 0, 0..<1).squeezed(0).transposed().transposed()) } == nil)
}

@Test("the gradient checker catches a wrong gradient")
func checkerCatchesWrongGradient() {
    // x * x with a deliberately wrong rule (gradient x instead of 2x).
    let wrong: ([Tensor]) -> Tensor = { inputs in
        let x = inputs[0]
        return binaryMap(x, x, MulKernel.self).recording([x]) { g in [g * x] }
    }
    #expect(gradientMismatch([randomTensor([4], seed: 8)], wrong) != nil)
}
