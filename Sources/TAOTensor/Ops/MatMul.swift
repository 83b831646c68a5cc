import CBLAS

/// How a batch of matrices is handed to BLAS: pointer, whether BLAS reads each matrix transposed, leading
/// dimension and the step between matrices. A transposed view of a contiguous matrix needs no copy.
private struct GEMMOperand {
    let pointer: UnsafeMutablePointer<Float>
    let transposed: Bool
    let leadingDimension: Int
    let batchStride: Int
    /// Keeps a copied operand's storage alive during the call.
    let owner: Tensor

    /// `tensor` of shape `[batch..., rows, columns]`, whose batch axes are walked with one stride.
    init(_ tensor: Tensor) {
        let r = tensor.rank
        let rows = tensor.shape[r - 2], columns = tensor.shape[r - 1]
        let rowStride = tensor.strides[r - 2], columnStride = tensor.strides[r - 1]
        if let batchStride = GEMMOperand.uniformBatchStride(tensor) {
            if (columnStride == 1 || columns == 1) && rowStride >= Swift.max(columns, 1) {
                self.init(tensor, transposed: false, ld: rowStride, batchStride: batchStride)
                return
            }
            if (rowStride == 1 || rows == 1) && columnStride >= Swift.max(rows, 1) {
                self.init(tensor, transposed: true, ld: columnStride, batchStride: batchStride)
                return
            }
        }
        let copy = tensor.contiguousValues()
        self.init(copy, transposed: false, ld: Swift.max(columns, 1), batchStride: rows * columns)
    }

    private init(_ tensor: Tensor, transposed: Bool, ld: Int, batchStride: Int) {
        pointer = tensor.pointer
        self.transposed = transposed
        leadingDimension = ld
        self.batchStride = batchStride
        owner = tensor
    }

    /// The stride between consecutive matrices when the batch axes flatten to one axis, else nil.
    private static func uniformBatchStride(_ tensor: Tensor) -> Int? {
        let axes = (0..<(tensor.rank - 2)).filter { tensor.shape[$0] != 1 }
        guard let last = axes.last else { return 0 }
        for (outer, inner) in zip(axes, axes.dropFirst())
        where tensor.strides[outer] != tensor.strides[inner] * tensor.shape[inner] { return nil }
        return tensor.strides[last]
    }
}

/// C = alpha * op(A) * op(B) + beta * C for row-major operands given as pointers (the BLAS call every
/// GEMM-shaped op goes through).
@inline(__always)
func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
           a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
           beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Matrix product of the last two axes: `[..., m, k] x [..., k, n] -> [..., m, n]`. Batch axes broadcast
/// (a 2-D operand is shared by every batch). Transposed views go to BLAS as transposes, without copies.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.rank >= 2 && b.rank >= 2 && a.shape[a.rank - 1] == b.shape[b.rank - 2],
                 "matmul shapes \(a.shape) and \(b.shape) do not fit")
    let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
    guard let batchShape = Shape.broadcast(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2))) else {
        preconditionFailure("matmul batch shapes of \(a.shape) and \(b.shape) do not broadcast")
    }
    let batch = Shape.count(batchShape)
    let out = Tensor(uninitialized: batchShape + [m, n])
    // Broadcast batch axes become stride-0 views, so a shared operand is read in place.
    let left = GEMMOperand(a.detached().expanded(batchShape + [m, k]))
    let right = GEMMOperand(b.detached().expanded(batchShape + [k, n]))
    if right.batchStride == 0 && !left.transposed && left.leadingDimension == k && left.batchStride == m * k {
        // Rows of every batch are one tall matrix: one GEMM with M = batch * m.
        sgemm(transposeA: false, transposeB: right.transposed, m: batch * m, n: n, k: k, a: left.pointer, lda: k,
              b: right.pointer, ldb: right.leadingDimension, beta: 0, c: out.pointer, ldc: n)
    } else {
        for i in 0..<batch {
            sgemm(transposeA: left.transposed, transposeB: right.transposed, m: m, n: n, k: k,
                  a: left.pointer + i * left.batchStride, lda: left.leadingDimension,
                  b: right.pointer + i * right.batchStride, ldb: right.leadingDimension,
                  beta: 0, c: out.pointer + i * m * n, ldc: n)
        }
    }
    return out.recording([a, b]) { g in
        // dA = g * B^T, dB = A^T * g, summed over broadcast batch axes.
        let gradB: Tensor?
        if !b.needsGrad {
            gradB = nil
        } else if b.rank == 2 && a.rank > 2 {
            // A shared right operand: one GEMM over all batch rows instead of a batch of products summed.
            gradB = matmul(a.reshaped([-1, k]).transposed(), g.reshaped([-1, n]))
        } else {
            gradB = matmul(a.transposed(), g).summed(toShape: b.shape)
        }
        return [a.needsGrad ? matmul(g, b.transposed()).summed(toShape: a.shape) : nil, gradB]
    }
}
