/// Scaled dot-product attention with a key padding mask, as one op: per batch item and head, one GEMM for the
/// scores (scale passed to BLAS as alpha), a row softmax over the valid keys in place, one GEMM for the output;
/// the gradient uses the saved probabilities and four GEMMs.

/// softmax(q k^T / sqrt(d) over the valid keys) v. q: `[batch, heads, queries, d]`, k and v:
/// `[batch, heads, keys, d]`; `keyLengths[b]` valid keys per item (later keys are padding and get no weight;
/// an item with no valid key attends to all, as an additive mask would). Returns `[batch, heads, queries, d]`.
public func scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, keyLengths: [Int]? = nil) -> Tensor {
    precondition(query.rank == 4 && key.shape == value.shape && key.rank == 4 && query.shape[0] == key.shape[0]
                 && query.shape[1] == key.shape[1] && query.shape[3] == key.shape[3],
                 "attention shapes q \(query.shape), k \(key.shape), v \(value.shape) do not fit")
    let (batch, heads, queries, depth) = (query.shape[0], query.shape[1], query.shape[2], query.shape[3])
    let keys = key.shape[2]
    if let keyLengths { precondition(keyLengths.count == batch, "\(keyLengths.count) key lengths for a batch of \(batch)") }
    let valid = (0..<batch).map { b -> Int in
        let length = Swift.min(Swift.max(keyLengths?[b] ?? keys, 0), keys)
        return length == 0 ? keys : length
    }
    let scale = 1 / Float(depth).squareRoot()
    let q = query.contiguousValues(), k = key.contiguousValues(), v = value.contiguousValues()
    let probabilities = Tensor(uninitialized: [batch, heads, queries, keys])
    let out = Tensor(uninitialized: [batch, heads, queries, depth])
    let (qStride, kStride, pStride) = (queries * depth, keys * depth, queries * keys)
    for item in 0..<(batch * heads) {
        let p = probabilities.pointer + item * pStride
        sgemm(transposeA: false, transposeB: true, m: queries, n: keys, k: depth, alpha: scale, a: q.pointer + item * qStride,
              lda: depth, b: k.pointer + item * kStride, ldb: depth, beta: 0, c: p, ldc: keys)
        softmaxRows(p, rows: queries, width: keys, valid: valid[item / heads])
        sgemm(transposeA: false, transposeB: false, m: queries, n: depth, k: keys, a: p, lda: keys,
              b: v.pointer + item * kStride, ldb: depth, beta: 0, c: out.pointer + item * qStride, ldc: depth)
    }
    return out.recording([query, key, value]) { g in
        // dV = P^T dO; dP = dO V^T; dS = P (dP - rowsum(dP P)); dQ = scale dS K; dK = scale dS^T Q.
        let gradient = g.contiguousValues()
        let gradQuery = Tensor(uninitialized: q.shape), gradKey = Tensor(uninitialized: k.shape)
        let gradValue = Tensor(uninitialized: v.shape)
        let gradScores = TensorStorage(count: pStride, zeroed: false)
        for item in 0..<(batch * heads) {
            let p = probabilities.pointer + item * pStride, dO = gradient.pointer + item * qStride
            let dS = gradScores.base
            sgemm(transposeA: true, transposeB: false, m: keys, n: depth, k: queries, a: p, lda: keys, b: dO, ldb: depth,
                  beta: 0, c: gradValue.pointer + item * kStride, ldc: depth)
            sgemm(transposeA: false, transposeB: true, m: queries, n: keys, k: depth, a: dO, lda: depth,
                  b: v.pointer + item * kStride, ldb: depth, beta: 0, c: dS, ldc: keys)
            for row in 0..<queries {
                let pr = p + row * keys, dr = dS + row * keys
                let projection = VectorMath.dot(pr, dr, count: keys)
                for j in 0..<keys { dr[j] = pr[j] * (dr[j] - projection) }
            }
            sgemm(transposeA: false, transposeB: false, m: queries, n: depth, k: keys, alpha: scale, a: dS, lda: keys,
                  b: k.pointer + item * kStride, ldb: depth, beta: 0, c: gradQuery.pointer + item * qStride, ldc: depth)
            sgemm(transposeA: true, transposeB: false, m: keys, n: depth, k: queries, alpha: scale, a: dS, lda: keys,
                  b: q.pointer + item * qStride, ldb: depth, beta: 0, c: gradKey.pointer + item * kStride, ldc: depth)
        }
        withExtendedLifetime(gradient) {}
        return [gradQuery, gradKey, gradValue]
    }
}

/// Softmax in place over the first `valid` entries of each row of `width`; the rest become 0.
private func softmaxRows(_ values: UnsafeMutablePointer<Float>, rows: Int, width: Int, valid: Int) {
    for row in 0..<rows {
        let r = values + row * width
        var largest = -Float.infinity
        for j in 0..<valid { largest = Swift.max(largest, r[j]) }
        VectorFunctions.map(r, r, count: valid) { VectorFunctions.exp($0 - largest) }
        let inverse = 1 / VectorMath.sum(r, count: valid)
        for j in 0..<valid { r[j] *= inverse }
        if valid < width { (r + valid).update(repeating: 0, count: width - valid) }
    }
}
