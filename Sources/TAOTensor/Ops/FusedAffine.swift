/// Several affine maps of the same input as one op (BERT's query, key and value projections): one GEMM forward
/// and two backward instead of three each. When the weights are consecutive views of one storage (see
/// `Tensor.packed`), the GEMM reads them in place; otherwise they are copied side by side first.

/// [x W_0^T + b_0, x W_1^T + b_1, ...] concatenated on the last axis. x: `[..., inFeatures]`; each weight
/// `[out_i, inFeatures]` with bias `[out_i]`; returns `[..., sum out_i]`. Each weight and bias gets its own gradient.
/// With `packedCache` (a layer in evaluation mode), the product runs on weights packed once where that applies.
public func affine(_ x: Tensor, weights: [Tensor], biases: [Tensor], packedCache: PackedAffineCache? = nil) -> Tensor {
    let inFeatures = x.shape.last ?? 1
    precondition(!weights.isEmpty && weights.count == biases.count, "affine: \(weights.count) weights and \(biases.count) biases")
    for (weight, bias) in zip(weights, biases) {
        precondition(weight.rank == 2 && weight.shape[1] == inFeatures && bias.shape == [weight.shape[0]],
                     "affine: input \(x.shape) does not fit weight \(weight.shape) and bias \(bias.shape)")
    }
    if let packedCache, let out = packedCache(x, weights: weights, biases: biases) { return out }
    let outFeatures = weights.reduce(0) { $0 + $1.shape[0] }
    let kernel = Tensor.packed(weights) ?? concatenatedRows(weights)
    let shift = Tensor.packed(biases) ?? concatenatedRows(biases)
    let input = x.contiguousValues()
    let rows = x.count / Swift.max(inFeatures, 1)
    let out = Tensor(uninitialized: Array(x.shape.dropLast()) + [outFeatures])
    affineRows(input.pointer, rows: rows, k: inFeatures, weight: kernel.pointer, n: outFeatures, bias: shift.pointer, out: out.pointer)
    return out.recording([x] + weights + biases) { g in
        // dx = g W (W all weights stacked); dW = g^T x in one GEMM, handed out as row blocks; db = column sums.
        let gradient = g.contiguousValues()
        var gradInput: Tensor?
        if x.needsGrad {
            let result = Tensor(uninitialized: x.shape)
            sgemm(transposeA: false, transposeB: false, m: rows, n: inFeatures, k: outFeatures, a: gradient.pointer,
                  lda: outFeatures, b: kernel.pointer, ldb: inFeatures, beta: 0, c: result.pointer, ldc: inFeatures)
            gradInput = result
        }
        let gradKernel = Tensor(uninitialized: [outFeatures, inFeatures])
        sgemm(transposeA: true, transposeB: false, m: outFeatures, n: inFeatures, k: rows, a: gradient.pointer,
              lda: outFeatures, b: input.pointer, ldb: inFeatures, beta: 0, c: gradKernel.pointer, ldc: inFeatures)
        let gradShift = Tensor(zeros: [outFeatures])
        let gs = gradShift.pointer
        for row in 0..<rows {
            let source = gradient.pointer + row * outFeatures
            for j in 0..<outFeatures { gs[j] += source[j] }
        }
        withExtendedLifetime(gradient) {}
        var gradWeights: [Tensor?] = [], gradBiases: [Tensor?] = []
        var start = 0
        for weight in weights {
            let count = weight.shape[0]
            gradWeights.append(Tensor(storage: gradKernel.storage, shape: weight.shape, strides: [inFeatures, 1],
                                      offset: start * inFeatures))
            gradBiases.append(Tensor(storage: gradShift.storage, shape: [count], strides: [1], offset: start))
            start += count
        }
        return [gradInput] + gradWeights + gradBiases
    }
}

extension Tensor {
    /// `parts` (contiguous, same trailing shape) as one tensor stacked on the first axis when they already lie
    /// one after another in one storage, without copying; nil otherwise.
    public static func packed(_ parts: [Tensor]) -> Tensor? {
        guard let first = parts.first else { return nil }
        let trailing = Array(first.shape.dropFirst())
        var offset = first.offset, rows = 0
        for part in parts {
            guard part.storage === first.storage, part.isContiguous, part.offset == offset,
                  Array(part.shape.dropFirst()) == trailing, part.rank >= 1 else { return nil }
            offset += part.count
            rows += part.shape[0]
        }
        let shape = [rows] + trailing
        return Tensor(storage: first.storage, shape: shape, strides: Shape.contiguousStrides(shape), offset: first.offset)
    }

    /// Tensors of `shapes` that are consecutive views of one new storage, filled by `initialize` (each part's
    /// values in turn): parameters that `affine(_:weights:biases:)` reads as one matrix without copying.
    public static func packedParameters(_ shapes: [[Int]], requiresGrad: Bool = true) -> [Tensor] {
        let storage = TensorStorage(count: shapes.reduce(0) { $0 + Shape.count($1) })
        var offset = 0
        return shapes.map { shape in
            defer { offset += Shape.count(shape) }
            return Tensor(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), offset: offset,
                          requiresGrad: requiresGrad)
        }
    }
}

/// A contiguous copy of `parts` stacked on the first axis (no gradient).
func concatenatedRows(_ parts: [Tensor]) -> Tensor {
    let trailing = Array(parts[0].shape.dropFirst())
    let out = Tensor(uninitialized: [parts.reduce(0) { $0 + $1.shape[0] }] + trailing)
    var written = 0
    for part in parts {
        copyStrided(from: part, to: out.pointer + written)
        written += part.count
    }
    return out
}
