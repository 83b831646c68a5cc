/// Integer indices laid out in a shape: token ids for an embedding lookup, class targets for a loss. Stored as
/// int32, row-major, the way PyTorch passes an `IntTensor`/`LongTensor` to `embedding` and `cross_entropy`.
public struct IndexTensor: Equatable, Sendable {
    public let shape: [Int]
    public let values: [Int32]

    /// `values` laid out as `shape` (their count must fill it).
    public init(_ values: [Int32], shape: [Int]) {
        precondition(Shape.count(shape) == values.count, "\(values.count) indices do not fill shape \(shape)")
        self.shape = shape
        self.values = values
    }

    /// `values` laid out as `shape`; each must fit in int32.
    public init(_ values: [Int], shape: [Int]) {
        precondition(values.allSatisfy { $0 >= Int(Int32.min) && $0 <= Int(Int32.max) }, "an index does not fit in int32")
        self.init(values.map { Int32($0) }, shape: shape)
    }

    /// A vector of `values` (shape `[count]`).
    public init(_ values: [Int]) {
        self.init(values, shape: [values.count])
    }

    public var count: Int { values.count }
    public var rank: Int { shape.count }

    /// The index at flat (row-major) position `position`.
    public subscript(position: Int) -> Int { Int(values[position]) }

    /// The same indices in another shape with the same count.
    public func reshaped(_ shape: [Int]) -> IndexTensor { IndexTensor(values, shape: shape) }
}
