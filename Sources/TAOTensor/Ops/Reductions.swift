/// Reductions over axes (sum, mean, max, variance), each beside its gradient.

/// Values of `x` regrouped as `outer` contiguous runs of `inner` elements, one run per output element,
/// with the reduced axes innermost. No gradient recorded.
private func reductionLayout(_ x: Tensor, axes: [Int]) -> (values: Tensor, outer: Int, inner: Int, keptShape: [Int]) {
    let reduced = Set(axes.map { Shape.axis($0, rank: x.rank) })
    let kept = (0..<x.rank).filter { !reduced.contains($0) }
    let order = kept + reduced.sorted()
    let view = Tensor(storage: x.storage, shape: order.map { x.shape[$0] }, strides: order.map { x.strides[$0] }, offset: x.offset)
    let keptShape = (0..<x.rank).map { reduced.contains($0) ? 1 : x.shape[$0] }
    let inner = reduced.reduce(1) { $0 * x.shape[$1] }
    return (view.contiguousValues(), Shape.count(keptShape), inner, keptShape)
}

/// The output shape without (or with size-1) reduced axes.
private func reducedShape(_ keptShape: [Int], axes: [Int], rank: Int, keepDims: Bool) -> [Int] {
    if keepDims { return keptShape }
    let reduced = Set(axes.map { Shape.axis($0, rank: rank) })
    return keptShape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
}

extension Tensor {
    /// Sum over `axes` (all axes when nil); `keepDims` keeps them with size 1.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axes = axes ?? Array(0..<rank)
        let normalized = Set(axes.map { Shape.axis($0, rank: rank) })
        if isContiguous && !normalized.isEmpty && normalized.count < rank && normalized == Set(0..<normalized.count) {
            return sumOfLeadingAxes(normalized.count, keepDims: keepDims)
        }
        let (values, outer, inner, keptShape) = reductionLayout(self, axes: axes)
        let out = Tensor(uninitialized: reducedShape(keptShape, axes: axes, rank: rank, keepDims: keepDims))
        defer { withExtendedLifetime(values) {} }  // the loop reads through a raw pointer into it
        let v = values.pointer, o = out.pointer
        for i in 0..<outer {
            var total: Double = 0
            let row = v + i * inner
            for j in 0..<inner { total += Double(row[j]) }
            o[i] = Float(total)
        }
        let original = shape
        return out.recording([self]) { g in [g.reshaped(keptShape).expanded(original)] }
    }

    /// Sum over the first `count` axes of a contiguous tensor (a bias gradient): rows added into one row,
    /// without regrouping the values first.
    private func sumOfLeadingAxes(_ count: Int, keepDims: Bool) -> Tensor {
        let width = shape[count...].reduce(1, *), rows = self.count / Swift.max(width, 1)
        let keptShape = shape.enumerated().map { $0.offset < count ? 1 : $0.element }
        let out = Tensor(zeros: keepDims ? keptShape : Array(shape[count...]))
        let o = out.pointer, v = pointer
        for row in 0..<rows {
            let source = v + row * width
            for j in 0..<width { o[j] += source[j] }
        }
        let original = shape
        return out.recording([self]) { g in [g.reshaped(keptShape).expanded(original)] }
    }

    /// Mean over `axes` (all axes when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axes = axes ?? Array(0..<rank)
        let n = axes.reduce(1) { $0 * shape[Shape.axis($1, rank: rank)] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(n))
    }

    /// Maximum over `axes` (all axes when nil). The gradient is shared equally between tied maxima.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axes = axes ?? Array(0..<rank)
        let (values, outer, inner, keptShape) = reductionLayout(self, axes: axes)
        let out = Tensor(uninitialized: reducedShape(keptShape, axes: axes, rank: rank, keepDims: keepDims))
        defer { withExtendedLifetime(values) {} }
        let v = values.pointer, o = out.pointer
        for i in 0..<outer {
            let row = v + i * inner
            var best = -Float.infinity
            for j in 0..<inner where row[j] > best { best = row[j] }
            o[i] = best
        }
        let original = shape
        return out.recording([self]) { g in
            let maxima = out.detached().reshaped(keptShape)
            let isMax = binaryMap(self, maxima, EqualKernel.self)
            let ties = isMax.sum(axes: axes, keepDims: true)
            return [isMax * (g.reshaped(keptShape) / ties).expanded(original)]
        }
    }

    /// Variance over `axes`; `unbiased` divides by n - 1 (PyTorch's default) instead of n.
    public func variance(axes: [Int]? = nil, unbiased: Bool = true, keepDims: Bool = false) -> Tensor {
        let axes = axes ?? Array(0..<rank)
        let n = axes.reduce(1) { $0 * shape[Shape.axis($1, rank: rank)] }
        let centered = self - mean(axes: axes, keepDims: true)
        return centered.squared().sum(axes: axes, keepDims: keepDims) * (1 / Float(unbiased ? n - 1 : n))
    }
}

enum EqualKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a == b ? 1 : 0 } }
