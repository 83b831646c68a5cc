/// Softmax and log-softmax along one axis, with their gradients.

extension Tensor {
    /// log(softmax(x)) along `axis`, computed stably as x - max - log(sum(exp(x - max))).
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let axis = Shape.axis(axis, rank: rank)
        if axis != rank - 1 { return transposed(axis, -1).logSoftmax(axis: -1).transposed(axis, -1) }
        let out = lastAxisSoftmax(log: true)
        return out.recording([self]) { g in
            // dx = g - softmax * sum(g) per row.
            let y = out.detached()
            return [g - y.exp() * g.sum(axes: [-1], keepDims: true)]
        }
    }

    /// softmax(x) along `axis`.
    public func softmax(axis: Int = -1) -> Tensor {
        let axis = Shape.axis(axis, rank: rank)
        if axis != rank - 1 { return transposed(axis, -1).softmax(axis: -1).transposed(axis, -1) }
        let out = lastAxisSoftmax(log: false)
        return out.recording([self]) { g in
            // dx = y * (g - sum(g * y)) per row.
            let y = out.detached()
            return [y * (g - (g * y).sum(axes: [-1], keepDims: true))]
        }
    }

    /// Softmax or log-softmax over the last axis; no gradient recorded.
    private func lastAxisSoftmax(log: Bool) -> Tensor {
        let source = contiguousValues()
        let out = Tensor(uninitialized: shape)
        let width = shape.last ?? 1, rows = count / Swift.max(width, 1)
        defer { withExtendedLifetime(source) {} }  // the loop reads through a raw pointer into it
        let s = source.pointer, o = out.pointer
        Parallel.forEachChunk(rows, minimumChunk: 64) { range in
            for row in range {
                let x = s + row * width, y = o + row * width
                var largest = -Float.infinity
                for i in 0..<width { largest = Swift.max(largest, x[i]) }
                VectorFunctions.map(x, y, count: width) { VectorFunctions.exp($0 - largest) }
                let total = VectorMath.sum(y, count: width)
                if log {
                    let logTotal = total.log + largest
                    for i in 0..<width { y[i] = x[i] - logTotal }
                } else {
                    let scale = 1 / total
                    for i in 0..<width { y[i] *= scale }
                }
            }
        }
        return out
    }
}
