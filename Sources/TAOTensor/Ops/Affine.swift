/// The affine map of `Linear` as one op: y = x W^T + b with the bias written before one GEMM (beta 1), so no
/// broadcast add, transposed view or batch-reduction node is needed forward or backward.

/// y = x W^T + b over the last axis. x: `[..., inFeatures]`, weight: `[outFeatures, inFeatures]`,
/// bias: `[outFeatures]`; returns `[..., outFeatures]`. With `packedCache` (a layer in evaluation mode), the
/// product runs on weights packed once where that applies (see `PackedAffineCache`).
public func affine(_ x: Tensor, weight: Tensor, bias: Tensor?, packedCache: PackedAffineCache? = nil) -> Tensor {
    let inFeatures = x.shape.last ?? 1, outFeatures = weight.shape[0]
    precondition(weight.rank == 2 && weight.shape[1] == inFeatures, "affine: input \(x.shape) does not fit weight \(weight.shape)")
    if let bias { precondition(bias.shape == [outFeatures], "affine: bias \(bias.shape) does not fit weight \(weight.shape)") }
    if let packedCache, let out = packedCache(x, weights: [weight], biases: bias.map { [$0] } ?? []) { return out }
    let input = x.contiguousValues(), kernel = weight.contiguousValues()
    let rows = x.count / Swift.max(inFeatures, 1)
    let out = Tensor(uninitialized: Array(x.shape.dropLast()) + [outFeatures])
    let shift = bias?.contiguousValues()
    affineRows(input.pointer, rows: rows, k: inFeatures, weight: kernel.pointer, n: outFeatures, bias: shift.map { UnsafePointer($0.pointer) },
               out: out.pointer)
    withExtendedLifetime(shift) {}
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return out.recording(inputs) { g in
        // dx = g W; dW = g^T x (all rows in one GEMM); db = column sums of g.
        let gradient = g.contiguousValues()
        var grads: [Tensor?] = []
        if x.needsGrad {
            let gradInput = Tensor(uninitialized: x.shape)
            sgemm(transposeA: false, transposeB: false, m: rows, n: inFeatures, k: outFeatures, a: gradient.pointer,
                  lda: outFeatures, b: kernel.pointer, ldb: inFeatures, beta: 0, c: gradInput.pointer, ldc: inFeatures)
            grads.append(gradInput)
        } else {
            grads.append(nil)
        }
        let gradWeight = Tensor(uninitialized: weight.shape)
        sgemm(transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: rows, a: gradient.pointer,
              lda: outFeatures, b: input.pointer, ldb: inFeatures, beta: 0, c: gradWeight.pointer, ldc: inFeatures)
        grads.append(gradWeight)
        if bias != nil {
            let gradBias = Tensor(zeros: [outFeatures])
            let gb = gradBias.pointer
            for row in 0..<rows {
                let source = gradient.pointer + row * outFeatures
                for j in 0..<outFeatures { gb[j] += source[j] }
            }
            grads.append(gradBias)
        }
        withExtendedLifetime(gradient) {}
        return grads
    }
}
