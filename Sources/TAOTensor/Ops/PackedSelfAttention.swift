import CTAOGemm

/// Multi-head self-attention read straight from a fused query/key/value projection: heads are column blocks
/// of the `[batch, tokens, 3 * hidden]` input, so no split, permute or merge is ever copied. Per batch item
/// and head: one GEMM for the scores (leading dimension 3 * hidden), a masked row softmax in place, optional
/// dropout on the probabilities, one GEMM writing the context into its column block of `[batch, tokens, hidden]`.

/// softmax(q k^T / sqrt(d) over the valid keys) v for every head, with q, k and v taken from `qkv`
/// `[batch, tokens, 3 * hidden]` (all query heads, then all key heads, then all value heads, each head `d =
/// hidden / heads` wide). `lengths[b]` valid tokens of item b (later keys get no weight; 0 means all, as an
/// additive mask would). `dropout` drops attention probabilities in training: its seed makes the mask, which
/// the gradient recreates instead of storing. Returns the heads side by side, `[batch, tokens, hidden]`.
public func packedSelfAttention(_ qkv: Tensor, heads: Int, lengths: [Int]? = nil,
                                dropout: (probability: Float, seed: UInt64)? = nil) -> Tensor {
    precondition(qkv.rank == 3 && qkv.shape[2] % (3 * heads) == 0,
                 "packedSelfAttention needs [batch, tokens, 3 x hidden] split into \(heads) heads, got \(qkv.shape)")
    let (batch, tokens, width) = (qkv.shape[0], qkv.shape[1], qkv.shape[2])
    let hidden = width / 3, depth = hidden / heads
    if let lengths { precondition(lengths.count == batch, "\(lengths.count) lengths for a batch of \(batch)") }
    let valid = (0..<batch).map { b -> Int in
        let length = Swift.min(Swift.max(lengths?[b] ?? tokens, 0), tokens)
        return length == 0 ? tokens : length
    }
    let drop = dropout.flatMap { $0.probability > 0 ? AttentionDropout(probability: $0.probability, seed: $0.seed) : nil }
    let scale = 1 / Float(depth).squareRoot()
    let input = qkv.contiguousValues()
    let square = tokens * tokens
    // The gradient needs every item's probabilities; without a tape one item's worth of scratch is enough.
    let recording = GradMode.isEnabled && qkv.needsGrad
    if !recording, drop == nil, let kernel = GEMMKernel.inference {
        return inferenceSelfAttention(input, heads: heads, valid: valid, kernel: kernel)
    }
    let probabilities = Tensor(uninitialized: recording ? [batch, heads, tokens, tokens] : [tokens, tokens])
    let out = Tensor(uninitialized: [batch, tokens, hidden])
    let dropped = drop.map { _ in TensorStorage(count: square, zeroed: false) }
    for item in 0..<(batch * heads) {
        let (b, h) = item.quotientAndRemainder(dividingBy: heads)
        let q = input.pointer + b * tokens * width + h * depth, k = q + hidden, v = q + 2 * hidden
        let p = probabilities.pointer + (recording ? item * square : 0)
        sgemm(transposeA: false, transposeB: true, m: tokens, n: tokens, k: depth, alpha: scale, a: q, lda: width,
              b: k, ldb: width, beta: 0, c: p, ldc: tokens)
        maskedSoftmaxRows(p, rows: tokens, width: tokens, valid: valid[b])
        var weights = UnsafePointer(p)
        if let drop, let dropped {
            drop.apply(p, to: dropped.base, count: square, item: item)
            weights = UnsafePointer(dropped.base)
        }
        sgemm(transposeA: false, transposeB: false, m: tokens, n: depth, k: tokens, a: weights, lda: tokens,
              b: v, ldb: width, beta: 0, c: out.pointer + b * tokens * hidden + h * depth, ldc: hidden)
    }
    return out.recording([qkv]) { g in
        // With P the probabilities and D the dropout scaling (1 without dropout), W = P D:
        // dV = W^T dO; dW = dO V^T; dP = dW D; dS = P (dP - rowsum(dP P)); dQ = scale dS K; dK = scale dS^T Q.
        let gradient = g.contiguousValues()
        let gradQKV = Tensor(uninitialized: [batch, tokens, width])
        let gradScores = TensorStorage(count: square, zeroed: false)
        let dropped = drop.map { _ in TensorStorage(count: square, zeroed: false) }
        for item in 0..<(batch * heads) {
            let (b, h) = item.quotientAndRemainder(dividingBy: heads)
            let rowOffset = b * tokens * width + h * depth
            let q = input.pointer + rowOffset, k = q + hidden, v = q + 2 * hidden
            let dq = gradQKV.pointer + rowOffset, dk = dq + hidden, dv = dq + 2 * hidden
            let p = probabilities.pointer + item * square, dO = gradient.pointer + b * tokens * hidden + h * depth
            let dS = gradScores.base
            var weights = UnsafePointer(p)
            if let drop, let dropped {
                drop.apply(p, to: dropped.base, count: square, item: item)
                weights = UnsafePointer(dropped.base)
            }
            sgemm(transposeA: true, transposeB: false, m: tokens, n: depth, k: tokens, a: weights, lda: tokens, b: dO,
                  ldb: hidden, beta: 0, c: dv, ldc: width)
            sgemm(transposeA: false, transposeB: true, m: tokens, n: tokens, k: depth, a: dO, lda: hidden, b: v, ldb: width,
                  beta: 0, c: dS, ldc: tokens)
            if let drop, let dropped {
                // dP = dW D, where D is what turned P into W: the kept entries scaled by 1 / (1 - probability).
                let w = dropped.base
                for j in 0..<square where w[j] == 0 && p[j] != 0 { dS[j] = 0 }
                for j in 0..<square { dS[j] *= drop.keepScale }
            }
            for row in 0..<tokens {
                let pr = p + row * tokens, dr = dS + row * tokens
                let projection = VectorMath.dot(pr, dr, count: tokens)
                for j in 0..<tokens { dr[j] = pr[j] * (dr[j] - projection) }
            }
            sgemm(transposeA: false, transposeB: false, m: tokens, n: depth, k: tokens, alpha: scale, a: dS, lda: tokens,
                  b: k, ldb: width, beta: 0, c: dq, ldc: width)
            sgemm(transposeA: true, transposeB: false, m: tokens, n: depth, k: tokens, alpha: scale, a: dS, lda: tokens,
                  b: q, ldb: width, beta: 0, c: dk, ldc: width)
        }
        withExtendedLifetime(gradient) {}
        return [gradQKV]
    }
}

/// Self-attention without a tape on tao's packed GEMM kernel, the batch items and heads split over the compute
/// threads on the spinning pool. Per item and head, single-threaded: K (scaled by 1 / sqrt(d)) and V packed as the
/// kernel's weights, scores for the valid keys only, the masked softmax, and the context written into its column
/// block. OpenBLAS took these small products one after another, on one thread, with its per-call overhead.
private func inferenceSelfAttention(_ input: Tensor, heads: Int, valid: [Int], kernel: GEMMKernel) -> Tensor {
    let (batch, tokens, width) = (input.shape[0], input.shape[1], input.shape[2])
    let hidden = width / 3, depth = hidden / heads, items = batch * heads
    let scale = 1 / Float(depth).squareRoot()
    let out = Tensor(uninitialized: [batch, tokens, hidden])
    let (source, destination) = (UnsafePointer(input.pointer), out.pointer)
    let keysCount = tao_gemm_packed_count(kernel.raw, Int32(tokens), Int32(depth))
    let valuesCount = tao_gemm_packed_count(kernel.raw, Int32(depth), Int32(tokens))
    // Parts of at least about 0.2 MFLOP (4 tokens^2 depth per item).
    let itemsPerPart = Swift.max(1, 200_000 / Swift.max(4 * tokens * tokens * depth, 1))
    let parts = Swift.max(1, Swift.min(BLAS.threadCount, items / itemsPerPart))
    Parallel.onSpinningPool(parts: parts) { part in
        let keys = TensorStorage(count: keysCount, zeroed: false), values = TensorStorage(count: valuesCount, zeroed: false)
        let scores = TensorStorage(count: tokens * tokens, zeroed: false)
        for item in (items * part / parts)..<(items * (part + 1) / parts) {
            let (b, h) = item.quotientAndRemainder(dividingBy: heads)
            let q = source + b * tokens * width + h * depth, k = q + hidden, v = q + 2 * hidden
            let n = Int32(valid[b])
            tao_gemm_pack(kernel.raw, k, n, Int32(depth), Int32(width), keys.base)
            let packedKeys = Int(tao_gemm_packed_count(kernel.raw, n, Int32(depth)))
            VectorFunctions.map(keys.base, keys.base, count: packedKeys) { $0 * scale }
            tao_gemm_packed(kernel.raw, Int32(tokens), n, Int32(depth), q, Int32(width), keys.base, nil, scores.base,
                            Int32(tokens), 0, Int32.max)
            maskedSoftmaxRows(scores.base, rows: tokens, width: tokens, valid: valid[b])
            tao_gemm_pack_transposed(kernel.raw, v, Int32(depth), n, Int32(width), values.base)
            tao_gemm_packed(kernel.raw, Int32(tokens), Int32(depth), n, scores.base, Int32(tokens), values.base, nil,
                            destination + b * tokens * hidden + h * depth, Int32(hidden), 0, Int32.max)
        }
    }
    withExtendedLifetime(input) {}
    return out
}

/// The dropout mask of attention probabilities, recreated from a seed per batch item and head so the
/// gradient sees the same mask without storing it.
private struct AttentionDropout {
    let probability: Float
    let seed: UInt64
    var keepScale: Float { 1 / (1 - probability) }

    /// destination = probabilities with each entry dropped (0) or scaled by 1 / (1 - probability).
    func apply(_ probabilities: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int, item: Int) {
        var rng = RandomGenerator(seed: seed &+ UInt64(item) &* 0x9E37_79B9_7F4A_7C15)
        let scale = keepScale
        for j in 0..<count { destination[j] = rng.nextUniform() < probability ? 0 : probabilities[j] * scale }
    }
}

/// Softmax in place over the first `valid` entries of each row of `width`; the rest become 0. Sixteen lanes at a
/// time, with the tail padded by -infinity (whose exp is 0).
func maskedSoftmaxRows(_ values: UnsafeMutablePointer<Float>, rows: Int, width: Int, valid: Int) {
    typealias Lanes = SIMD16<Float>
    let whole = valid - valid % 16
    var tail = Lanes(repeating: -.infinity)
    for row in 0..<rows {
        let r = values + row * width, raw = UnsafeMutableRawPointer(r)
        for j in whole..<valid { tail[j - whole] = r[j] }
        var largest = tail
        for j in stride(from: 0, to: whole, by: 16) {
            let lanes = raw.loadUnaligned(fromByteOffset: j * 4, as: Lanes.self)
            largest.replace(with: lanes, where: lanes .> largest)
        }
        let shift = Lanes(repeating: VectorMath.largest(largest))
        var sums = Lanes()
        for j in stride(from: 0, to: whole, by: 16) {
            let e = VectorFunctions.exp(raw.loadUnaligned(fromByteOffset: j * 4, as: Lanes.self) - shift)
            raw.storeBytes(of: e, toByteOffset: j * 4, as: Lanes.self)
            sums += e
        }
        let tailExp = VectorFunctions.exp(tail - shift)
        let inverse = Lanes(repeating: 1 / VectorMath.total(sums + tailExp))
        for j in stride(from: 0, to: whole, by: 16) {
            raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: j * 4, as: Lanes.self) * inverse, toByteOffset: j * 4, as: Lanes.self)
        }
        let scaledTail = tailExp * inverse
        for j in whole..<valid { r[j] = scaledTail[j - whole] }
        if valid < width { (r + valid).update(repeating: 0, count: width - valid) }
    }
}
