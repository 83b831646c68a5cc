/// An n-dimensional float32 array: a view (shape, strides, offset) of a shared `TensorStorage`, plus the
/// autograd bookkeeping that lets `backward()` reach it.
///
/// Tensors are reference types so that a parameter keeps its identity while optimizers update it in place;
/// ops never mutate their inputs, they return new tensors (views share storage where they can).
public final class Tensor: @unchecked Sendable {
    /// Extent of each axis.
    public let shape: [Int]
    /// Element step of each axis in `storage` (0 for a broadcast axis).
    public let strides: [Int]
    /// Index of element `[0, 0, ...]` in `storage`.
    public let offset: Int
    /// The values this tensor views.
    public let storage: TensorStorage
    /// Whether `backward()` should accumulate a gradient into `grad` (set on parameters and inputs of interest).
    public var requiresGrad: Bool
    /// Accumulated gradient of a leaf tensor that requires it, same shape as `self`.
    public var grad: Tensor?
    /// How this tensor was computed, when it was computed with gradients enabled from tensors that need them.
    var gradNode: GradNode?

    /// A view of `storage`.
    public init(storage: TensorStorage, shape: [Int], strides: [Int], offset: Int = 0, requiresGrad: Bool = false) {
        precondition(shape.count == strides.count, "shape \(shape) and strides \(strides) differ in rank")
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.requiresGrad = requiresGrad
    }

    /// A contiguous tensor of zeros.
    public convenience init(zeros shape: [Int], requiresGrad: Bool = false) {
        self.init(storage: TensorStorage(count: Shape.count(shape)), shape: shape,
                  strides: Shape.contiguousStrides(shape), requiresGrad: requiresGrad)
    }

    /// A contiguous tensor whose values are about to be written by an op (not cleared).
    convenience init(uninitialized shape: [Int]) {
        self.init(storage: TensorStorage(count: Shape.count(shape), zeroed: false), shape: shape,
                  strides: Shape.contiguousStrides(shape))
    }

    /// A contiguous tensor filled with `value`.
    public convenience init(repeating value: Float, shape: [Int], requiresGrad: Bool = false) {
        self.init(uninitialized: shape)
        storage.base.update(repeating: value, count: storage.count)
        self.requiresGrad = requiresGrad
    }

    /// A contiguous tensor holding `values` in row-major order; `values.count` must equal the shape's count.
    public convenience init(_ values: [Float], shape: [Int], requiresGrad: Bool = false) {
        precondition(values.count == Shape.count(shape), "\(values.count) values do not fill shape \(shape)")
        self.init(uninitialized: shape)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { storage.base.update(from: base, count: values.count) }
        }
        self.requiresGrad = requiresGrad
    }

    /// A scalar (rank-0) tensor.
    public convenience init(scalar: Float) { self.init([scalar], shape: []) }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { Shape.count(shape) }
    /// Pointer to element `[0, 0, ...]`; writing through it is only for ops creating this tensor or optimizers.
    public var pointer: UnsafeMutablePointer<Float> { storage.base + offset }

    /// Whether the elements are laid out row-major without gaps, so `pointer[0..<count]` are all of them in order.
    public var isContiguous: Bool {
        var expected = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// The values in row-major order.
    public var scalars: [Float] {
        let source = contiguousValues()
        return Array(UnsafeBufferPointer(start: source.pointer, count: count))
    }

    /// The only value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, got shape \(shape)")
        return pointer[0]
    }

    /// Extent of `axis` (negative counts from the end).
    public func size(_ axis: Int) -> Int { shape[Shape.axis(axis, rank: rank)] }

    /// `self` if contiguous, else a contiguous copy, without recording a gradient (for kernels).
    func contiguousValues() -> Tensor {
        if isContiguous { return self }
        let out = Tensor(uninitialized: shape)
        copyStrided(from: self, to: out.pointer)
        return out
    }

    /// Whether `backward()` has to pass through this tensor.
    var needsGrad: Bool { requiresGrad || gradNode != nil }
}

/// Copies the elements of `source` in row-major order into `destination`.
func copyStrided(from source: Tensor, to destination: UnsafeMutablePointer<Float>) {
    if source.isContiguous {
        destination.update(from: source.pointer, count: source.count)
        return
    }
    let inner = source.shape.last ?? 1
    let innerStride = source.strides.last ?? 1
    let base = source.pointer
    var written = 0
    Shape.forEachRow(source.shape, strides: [source.strides]) { offsets in
        let row = base + offsets[0]
        let out = destination + written
        if innerStride == 1 {
            out.update(from: row, count: inner)
        } else {
            for i in 0..<inner { out[i] = row[i * innerStride] }
        }
        written += inner
    }
}

extension Tensor: CustomStringConvertible {
    /// Shape and the first values, for debugging.
    public var description: String {
        let values = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(values)\(count > 8 ? ", ..." : "")]"
    }
}
