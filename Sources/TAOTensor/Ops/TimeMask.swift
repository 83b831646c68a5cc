/// Zeroing of padded frames in `[batch, channels, time]` batches, so padding never leaks into valid frames.

extension Tensor {
    /// x with frames `t >= lengths[b]` set to 0 for each utterance `b`; the gradient is masked the same way.
    public func maskedTime(lengths: [Int]) -> Tensor {
        precondition(rank == 3 && lengths.count == shape[0], "maskedTime needs [B, C, T] and B lengths, got \(shape) and \(lengths.count)")
        let out = Tensor(uninitialized: shape)
        copyStrided(from: self, to: out.pointer)
        zeroPaddedFrames(out.pointer, shape: shape, lengths: lengths)
        return out.recording([self]) { g in
            let gradient = Tensor(uninitialized: g.shape)
            copyStrided(from: g, to: gradient.pointer)
            zeroPaddedFrames(gradient.pointer, shape: g.shape, lengths: lengths)
            return [gradient]
        }
    }
}

/// Zeroes frames `t >= lengths[b]` in place in a contiguous `[B, C, T]` buffer.
func zeroPaddedFrames(_ values: UnsafeMutablePointer<Float>, shape: [Int], lengths: [Int]) {
    let channels = shape[1], time = shape[2]
    for b in 0..<shape[0] {
        let valid = Swift.max(0, Swift.min(lengths[b], time))
        if valid == time { continue }
        for c in 0..<channels { (values + (b * channels + c) * time + valid).update(repeating: 0, count: time - valid) }
    }
}
