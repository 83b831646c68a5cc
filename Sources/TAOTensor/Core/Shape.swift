/// Shape arithmetic shared by the ops: element counts, contiguous strides, broadcasting and row iteration.
public enum Shape {
    /// Number of elements of `shape` (1 for a scalar).
    @inlinable public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major strides of a contiguous tensor of `shape`.
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The NumPy broadcast of two shapes, or nil when they are incompatible.
    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { result[i] = da } else if da == 1 { result[i] = db } else { return nil }
        }
        return result
    }

    /// Normalizes a possibly negative axis against `rank`.
    static func axis(_ axis: Int, rank: Int) -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        precondition(normalized >= 0 && normalized < max(rank, 1), "axis \(axis) is out of range for rank \(rank)")
        return normalized
    }

    /// Calls `body(row, offsets)` for every innermost row of `shape`, where `offsets[i]` is the element offset
    /// of that row's first element under `strides[i]`. Rank-0 shapes give one row of length 1.
    static func forEachRow(_ shape: [Int], strides: [[Int]], _ body: (_ offsets: UnsafeBufferPointer<Int>) -> Void) {
        let rank = shape.count
        var offsets = [Int](repeating: 0, count: strides.count)
        if rank <= 1 {
            offsets.withUnsafeBufferPointer { body($0) }
            return
        }
        if shape.contains(0) { return }
        var index = [Int](repeating: 0, count: rank - 1)
        while true {
            offsets.withUnsafeBufferPointer { body($0) }
            // Odometer increment over the outer axes.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                for t in 0..<strides.count { offsets[t] += strides[t][axis] }
                if index[axis] < shape[axis] { break }
                for t in 0..<strides.count { offsets[t] -= strides[t][axis] * shape[axis] }
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }
}
