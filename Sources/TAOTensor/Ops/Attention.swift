/// Scaled dot-product attention with a key padding mask (built from matmul and softmax, so its gradient
/// comes from theirs).

/// softmax(q k^T / sqrt(d) + mask) v. q: `[batch, heads, queries, d]`, k and v: `[batch, heads, keys, d]`;
/// `keyLengths[b]` valid keys per utterance (later keys are padding and get no attention).
/// Returns `[batch, heads, queries, d]`.
public func scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, keyLengths: [Int]? = nil) -> Tensor {
    precondition(query.rank == 4 && key.shape == value.shape && query.shape[0] == key.shape[0] && query.shape[3] == key.shape[3],
                 "attention shapes q \(query.shape), k \(key.shape), v \(value.shape) do not fit")
    let scale = 1 / Float(query.shape[3]).squareRoot()
    var scores = matmul(query, key.transposed()) * scale
    if let keyLengths {
        let (batch, keys) = (key.shape[0], key.shape[2])
        precondition(keyLengths.count == batch, "\(keyLengths.count) key lengths for a batch of \(batch)")
        // Additive mask: a large negative score on padded keys, broadcast over heads and queries.
        var mask = [Float](repeating: 0, count: batch * keys)
        for b in 0..<batch { for t in Swift.min(Swift.max(keyLengths[b], 0), keys)..<keys { mask[b * keys + t] = -1e9 } }
        scores = scores + Tensor(mask, shape: [batch, 1, 1, keys])
    }
    return matmul(scores.softmax(axis: -1), value)
}
