/// A reference-counted block of float32 values that one or more tensors view.
///
/// The memory is 64-byte aligned (one cache line, one AVX-512 vector) and freed when the last tensor
/// viewing it goes away.
public final class TensorStorage: @unchecked Sendable {
    /// First element.
    public let base: UnsafeMutablePointer<Float>
    /// Number of elements.
    public let count: Int

    /// Allocates `count` elements; `zeroed` clears them (skip it when every element is about to be written).
    public init(count: Int, zeroed: Bool = true) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        if zeroed { base.update(repeating: 0, count: count) }
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }
}
