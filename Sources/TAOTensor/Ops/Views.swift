/// Views: new shapes and strides over the same storage where possible, each beside its gradient.

extension Tensor {
    /// The same elements in row-major order under `newShape` (one entry may be -1: inferred).
    /// A view when `self` is contiguous, else a copy.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            target[inferred] = count / known
        }
        precondition(Shape.count(target) == count, "cannot reshape \(shape) to \(newShape)")
        if target == shape { return self }
        let source = contiguousValues()
        let out = Tensor(storage: source.storage, shape: target, strides: Shape.contiguousStrides(target), offset: source.offset)
        let original = shape
        return out.recording([self]) { g in [g.reshaped(original)] }
    }

    /// A view with the axes reordered: result axis i is `self` axis `order[i]`.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "permutation \(order) does not fit shape \(shape)")
        let out = Tensor(storage: storage, shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: offset)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, axis) in order.enumerated() { inverse[axis] = i }
        return out.recording([self]) { g in [g.permuted(inverse)] }
    }

    /// A view with two axes swapped (negative axes count from the end).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(Shape.axis(a, rank: rank), Shape.axis(b, rank: rank))
        return permuted(order)
    }

    /// A view of `range` along `axis`.
    public func sliced(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = Shape.axis(axis, rank: rank)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice \(range) is out of bounds for axis \(axis) of shape \(shape)")
        var newShape = shape
        newShape[axis] = range.count
        let out = Tensor(storage: storage, shape: newShape, strides: strides,
                         offset: offset + range.lowerBound * strides[axis])
        let original = shape
        return out.recording([self]) { g in
            // The gradient is zero outside the slice.
            let full = Tensor(zeros: original)
            let window = full.sliced(axis: axis, range)
            copyStrided(from: g, into: window)
            return [full]
        }
    }

    /// A view repeating size-1 axes to `newShape` (new leading axes allowed) without copying.
    public func expanded(_ newShape: [Int]) -> Tensor {
        precondition(Shape.broadcast(shape, newShape) == newShape, "cannot expand \(shape) to \(newShape)")
        let out = Tensor(storage: storage, shape: newShape, strides: broadcastStrides(self, to: newShape), offset: offset)
        let original = shape
        return out.recording([self]) { g in [g.summed(toShape: original)] }
    }

    /// A view with a size-1 axis inserted at `axis`.
    public func unsqueezed(_ axis: Int) -> Tensor {
        let axis = axis < 0 ? axis + rank + 1 : axis
        var newShape = shape
        newShape.insert(1, at: axis)
        return reshaped(newShape)
    }

    /// A view without the size-1 axis `axis`.
    public func squeezed(_ axis: Int) -> Tensor {
        let axis = Shape.axis(axis, rank: rank)
        precondition(shape[axis] == 1, "cannot squeeze axis \(axis) of shape \(shape)")
        var newShape = shape
        newShape.remove(at: axis)
        return reshaped(newShape)
    }

    /// A contiguous copy (or `self` when already contiguous); gradients pass through.
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        return contiguousValues().recording([self]) { g in [g] }
    }
}

/// Concatenates tensors along `axis`; all other extents must agree.
public func concatenate(_ tensors: [Tensor], axis: Int) -> Tensor {
    precondition(!tensors.isEmpty, "concatenate needs at least one tensor")
    let first = tensors[0]
    let axis = Shape.axis(axis, rank: first.rank)
    var shape = first.shape
    shape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
    let out = Tensor(uninitialized: shape)
    var start = 0
    var ranges: [Range<Int>] = []
    for tensor in tensors {
        var expected = first.shape
        expected[axis] = tensor.shape[axis]
        precondition(tensor.shape == expected, "cannot concatenate shape \(tensor.shape) with \(first.shape) on axis \(axis)")
        let range = start..<(start + tensor.shape[axis])
        copyStrided(from: tensor, into: out.detached().sliced(axis: axis, range))
        ranges.append(range)
        start = range.upperBound
    }
    return out.recording(tensors) { g in ranges.map { g.sliced(axis: axis, $0) } }
}

/// Copies `source` into the (possibly strided) view `destination` of the same shape.
func copyStrided(from source: Tensor, into destination: Tensor) {
    precondition(source.shape == destination.shape, "cannot copy shape \(source.shape) into \(destination.shape)")
    let inner = source.shape.last ?? 1
    let si = source.strides.last ?? 1, di = destination.strides.last ?? 1
    let s = source.pointer, d = destination.pointer
    Shape.forEachRow(source.shape, strides: [source.strides, destination.strides]) { offsets in
        let rs = s + offsets[0], rd = d + offsets[1]
        for i in 0..<inner { rd[i * di] = rs[i * si] }
    }
}
