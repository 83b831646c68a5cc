import Testing
@testable import TAOTensor

/// conv1d by the definition, one output element at a time.
private func naiveConv1d(_ x: Tensor, _ w: Tensor, stride: Int, padding: Int, dilation: Int, groups: Int) -> [Float] {
    let (batch, inChannels, time) = (x.shape[0], x.shape[1], x.shape[2])
    let (outChannels, perGroup, kernel) = (w.shape[0], w.shape[1], w.shape[2])
    let outTime = conv1dOutputLength(time, kernelSize: kernel, stride: stride, padding: padding, dilation: dilation)
    let xv = x.scalars, wv = w.scalars
    var out = [Float](repeating: 0, count: batch * outChannels * outTime)
    for b in 0..<batch { for o in 0..<outChannels { for t in 0..<outTime {
        let group = o / (outChannels / groups)
        var total: Float = 0
        for c in 0..<perGroup { for k in 0..<kernel {
            let s = t * stride + k * dilation - padding
            guard s >= 0 && s < time else { continue }
            total += wv[(o * perGroup + c) * kernel + k] * xv[(b * inChannels + group * perGroup + c) * time + s]
        } }
        out[(b * outChannels + o) * outTime + t] = total
    } } }
    return out
}

/// (inChannels, outChannels, kernel, stride, padding, dilation, groups): pointwise, depthwise, general.
private let configurations = [
    (4, 6, 1, 1, 0, 1, 1), (4, 4, 5, 1, 2, 1, 4), (4, 4, 3, 2, 1, 1, 4), (3, 3, 3, 1, 2, 2, 3),
    (4, 6, 3, 1, 1, 1, 1), (4, 6, 3, 2, 2, 2, 2), (2, 4, 1, 2, 0, 1, 1),
]

@Test("conv1d matches the definition for pointwise, depthwise (stride, dilation) and grouped kernels")
func convMatchesDefinition() {
    for (index, c) in configurations.enumerated() {
        let x = randomTensor([2, c.0, 11], seed: UInt64(index))
        let w = randomTensor([c.1, c.0 / c.6, c.2], seed: UInt64(100 + index))
        let y = conv1d(x, w, stride: c.3, padding: c.4, dilation: c.5, groups: c.6)
        let reference = naiveConv1d(x, w, stride: c.3, padding: c.4, dilation: c.5, groups: c.6)
        #expect(maxAbsDifference(y.scalars, reference) < 1e-5, "configuration \(c)")
    }
}

@Test("conv1d gradients (input, weight, bias) match finite differences on every path")
func convGradients() {
    for (index, c) in configurations.enumerated() {
        let x = randomTensor([2, c.0, 9], seed: UInt64(index))
        let w = randomTensor([c.1, c.0 / c.6, c.2], seed: UInt64(100 + index))
        let bias = randomTensor([c.1], seed: UInt64(200 + index))
        let mismatch = gradientMismatch([x, w, bias]) {
            conv1d($0[0], $0[1], bias: $0[2], stride: c.3, padding: c.4, dilation: c.5, groups: c.6)
        }
        #expect(mismatch == nil, "configuration \(c): \(String(describing: mismatch))")
    }
}

@Test("depthwise conv1d splits its work over two threads with the same result as one")
func depthwiseIsThreadInvariant() {
    let x = randomTensor([3, 16, 50], seed: 1), w = randomTensor([16, 1, 7], seed: 2)
    let saved = BLAS.threadCount
    defer { BLAS.setThreadCount(saved) }
    BLAS.setThreadCount(1)
    let one = conv1d(x, w, padding: 3, groups: 16).scalars
    BLAS.setThreadCount(2)
    let two = conv1d(x, w, padding: 3, groups: 16).scalars
    #expect(one == two)
}

@Test("depthwise conv1d on long rows (vectorized blocks of 64 and 16 plus a tail) matches the definition and finite differences")
func longDepthwiseRows() {
    for (kernel, dilation, padding) in [(7, 2, 6), (5, 1, 2), (3, 1, 3)] {
        let x = randomTensor([2, 2, 151], seed: 21), w = randomTensor([2, 1, kernel], seed: 22)
        let y = conv1d(x, w, padding: padding, dilation: dilation, groups: 2)
        #expect(maxAbsDifference(y.scalars, naiveConv1d(x, w, stride: 1, padding: padding, dilation: dilation, groups: 2)) < 1e-5)
        let mismatch = gradientMismatch([x, w]) { conv1d($0[0], $0[1], padding: padding, dilation: dilation, groups: 2) }
        #expect(mismatch == nil, "kernel \(kernel) dilation \(dilation) padding \(padding): \(String(describing: mismatch))")
    }
}

@Test("pointwise conv1d run over the batch on two threads gives the one-thread output and gradients")
func pointwiseIsThreadInvariant() {
    func run(threads: Int) -> [[Float]] {
        let saved = BLAS.threadCount
        defer { BLAS.setThreadCount(saved) }
        BLAS.setThreadCount(threads)
        let x = randomTensor([5, 6, 40], seed: 31), w = randomTensor([7, 6, 1], seed: 32)
        x.requiresGrad = true
        w.requiresGrad = true
        let y = conv1d(x, w)
        (y * randomTensor(y.shape, seed: 33)).sum().backward()
        return [y.scalars, x.grad?.scalars ?? [], w.grad?.scalars ?? []]
    }
    let one = run(threads: 1), two = run(threads: 2)
    for (a, b) in zip(one, two) { #expect(maxAbsDifference(a, b) < 1e-5) }
}
