import CBLAS
import Testing
@testable import TAOTensor

/// Uniform values in [-1, 1).
private func randomTensor(_ shape: [Int], rng: inout RandomGenerator) -> Tensor {
    Tensor((0..<Shape.count(shape)).map { _ in 2 * rng.nextUniform() - 1 }, shape: shape)
}

/// x W^T + b by cblas_sgemm, and per entry the sum of |x_ik W_jk| + |b_j| that scales its rounding error.
private func reference(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?) -> (values: [Float], scale: [Float]) {
    let (m, k, n) = (x.shape[0], x.shape[1], weight.shape[0])
    var values = [Float](repeating: 0, count: m * n)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, x.pointer, Int32(max(k, 1)),
                weight.pointer, Int32(max(k, 1)), 0, &values, Int32(n))
    var scale = [Float](repeating: 0, count: m * n)
    let (a, w, b) = (x.scalars, weight.scalars, bias?.scalars)
    for i in 0..<m {
        for j in 0..<n {
            var sum = abs(b?[j] ?? 0)
            for p in 0..<k { sum += abs(a[i * k + p] * w[j * k + p]) }
            values[i * n + j] += b?[j] ?? 0
            scale[i * n + j] = sum
        }
    }
    return (values, scale)
}

/// Largest |packed - reference| / (1 + sum |x W| + |b|) over all entries.
private func relativeError(_ out: [Float], _ expected: (values: [Float], scale: [Float])) -> Float {
    zip(out, zip(expected.values, expected.scale)).map { abs($0 - $1.0) / (1 + $1.1) }.max() ?? 0
}

/// (rows, inFeatures, outFeatures): MiniLM's shapes, odd sizes, one-row, one-column and panel-edge cases.
private let shapes = [(1, 1, 1), (1, 384, 384), (32, 384, 1152), (32, 1536, 384), (7, 13, 50), (33, 1, 17), (9, 100, 97),
                      (8, 48, 48), (6, 16, 16), (17, 64, 95), (5, 3, 49), (13, 7, 47), (2, 0, 5)]

@Test("the packed GEMM equals cblas_sgemm (+ bias) to 1e-5 relative, for every kernel this CPU runs",
      arguments: GEMMKernel.allCases.filter(\.isSupported))
func packedGEMMMatchesBLAS(kernel: GEMMKernel) {
    var rng = RandomGenerator(seed: 11)
    for (m, k, n) in shapes {
        let x = randomTensor([m, k], rng: &rng), weight = randomTensor([n, k], rng: &rng), bias = randomTensor([n], rng: &rng)
        for shift in [bias, nil] {
            let out = PackedAffine(weight: weight, bias: shift, kernel: kernel)(x)
            #expect(out.shape == [m, n])
            let error = relativeError(out.scalars, reference(x, weight, shift))
            #expect(error <= 1e-5, "\(kernel) m \(m) k \(k) n \(n) bias \(shift != nil): relative error \(error)")
        }
    }
}

@Test("this x86-64 CPU runs the plain C and AVX2 kernels, and the best kernel is one it runs")
func kernelsAvailable() {
    #expect(GEMMKernel.scalar.isSupported)
    #if arch(x86_64)
    #expect(GEMMKernel.avx2.isSupported)
    #endif
    #expect(GEMMKernel.best.isSupported)
}

@Test("TAO_INFERENCE_GEMM picks OpenBLAS or a kernel this CPU runs; anything else keeps the default")
func inferenceKernelOverride() {
    #expect(GEMMKernel.inferenceKernel(named: "blas") == nil)
    #expect(GEMMKernel.inferenceKernel(named: "avx2") == (GEMMKernel.avx2.isSupported ? .avx2 : nil))
    #expect(GEMMKernel.inferenceKernel(named: "avx512") == (GEMMKernel.avx512.isSupported ? .avx512 : nil))
    #expect(GEMMKernel.inferenceKernel(named: nil) == GEMMKernel.inferenceKernel(named: "anything else"))
    #expect(GEMMKernel.inferenceKernel(named: nil).map(\.isSupported) ?? true)
}

@Test("splitting the panels over 2 threads gives the same bits as 1 thread", arguments: GEMMKernel.allCases.filter(\.isSupported))
func packedGEMMThreadsAgree(kernel: GEMMKernel) {
    var rng = RandomGenerator(seed: 12)
    let x = randomTensor([40, 384], rng: &rng), weight = randomTensor([1152, 384], rng: &rng), bias = randomTensor([1152], rng: &rng)
    let packed = PackedAffine(weight: weight, bias: bias, kernel: kernel)
    let one = Tensor(zeros: [40, 1152]), two = Tensor(zeros: [40, 1152])
    packed.apply(x.pointer, rows: 40, out: one.pointer, threads: 1)
    packed.apply(x.pointer, rows: 40, out: two.pointer, threads: 2)
    #expect(one.scalars == two.scalars)
}

@Test("weights that are not one storage (strided views) pack like their stacked copy, as affine(weights:) computes")
func packedWeightsFromSeparateViews() {
    var rng = RandomGenerator(seed: 13)
    let x = randomTensor([3, 5, 24], rng: &rng)
    let first = randomTensor([24, 10], rng: &rng).transposed(0, 1), second = randomTensor([7, 24], rng: &rng)
    let biases = [randomTensor([10], rng: &rng), randomTensor([7], rng: &rng)]
    let expected = affine(x, weights: [first, second], biases: biases)
    let out = PackedAffine(weights: [first, second], biases: biases)(x)
    #expect(out.shape == [3, 5, 17])
    #expect(zip(out.scalars, expected.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * (1 + abs($1)) })
}

@Test("a Linear layer in evaluation mode infers on packed weights, repacks after the weights change, and trains on BLAS")
func linearUsesPackedWeightsInEvaluation() {
    var rng = RandomGenerator(seed: 14)
    let layer = Linear(inFeatures: 30, outFeatures: 20, rng: &rng)
    let x = randomTensor([4, 30], rng: &rng)
    let training = withNoGrad { layer(x) }.scalars
    layer.setTraining(false)
    // (Without AVX-512 the layer keeps OpenBLAS; the results must agree either way.)
    let evaluation = withNoGrad { layer(x) }.scalars
    #expect(zip(evaluation, training).allSatisfy { abs($0 - $1) <= 1e-5 })
    #expect(layer.packedCache.holdsPackedWeights == (GEMMKernel.inference != nil))
    // An in-place update of every weight (as an optimizer or a checkpoint load makes) is seen.
    for i in 0..<layer.weight.count { layer.weight.pointer[i] *= 2 }
    let doubled = withNoGrad { layer(x) }.scalars
    let expected = reference(x, layer.weight, layer.bias).values
    #expect(zip(doubled, expected).allSatisfy { abs($0 - $1) <= 1e-5 * (1 + abs($1)) })
    // With a gradient to record, even evaluation mode takes the differentiable path.
    let recorded = layer(x)
    recorded.sum().backward()
    #expect(layer.weight.grad != nil)
    layer.setTraining(true)
    #expect(!layer.packedCache.holdsPackedWeights)
}
