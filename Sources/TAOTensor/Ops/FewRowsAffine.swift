/// x W^T + b for few rows (BERT inference on one short sentence). OpenBLAS packs its left operand faster than
/// its right one, and at 32 rows packing the weight costs about as much as the arithmetic: computing the
/// transposed product W x^T and transposing it back (with the bias) measured 15-25% faster for 32 rows
/// (OpenBLAS 0.3.21, SkylakeX kernels), and slower for thousands of rows.

/// Rows up to which `affineRows` takes the transposed path.
let fewRowsLimit = 64

/// out `[rows, n]` = input `[rows, k]` weight `[n, k]`^T (+ bias `[n]`).
func affineRows(_ input: UnsafePointer<Float>, rows: Int, k: Int, weight: UnsafePointer<Float>, n: Int,
                bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>) {
    if rows > fewRowsLimit {
        if let bias { for row in 0..<rows { (out + row * n).update(from: bias, count: n) } }
        sgemm(transposeA: false, transposeB: true, m: rows, n: n, k: k, a: input, lda: k, b: weight, ldb: k,
              beta: bias == nil ? 0 : 1, c: out, ldc: n)
        return
    }
    let transposed = TensorStorage(count: n * rows, zeroed: false)
    let t = transposed.base
    sgemm(transposeA: false, transposeB: true, m: n, n: rows, k: k, a: weight, lda: k, b: input, ldb: k, beta: 0, c: t, ldc: rows)
    // out[i, j] = t[j, i] + bias[j], in blocks of 16 output columns so both sides stay in cache.
    let block = 16
    for start in stride(from: 0, to: n, by: block) {
        let end = Swift.min(start + block, n)
        for i in 0..<rows {
            let row = out + i * n
            if let bias {
                for j in start..<end { row[j] = t[j * rows + i] + bias[j] }
            } else {
                for j in start..<end { row[j] = t[j * rows + i] }
            }
        }
    }
    withExtendedLifetime(transposed) {}
}
