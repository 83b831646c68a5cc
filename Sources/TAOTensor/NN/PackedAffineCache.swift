import Foundation

/// The packed weights of one inference layer (`PackedAffine`), made on first use and remade when the weights
/// have changed since (an optimizer step, a checkpoint load). A layer in evaluation mode hands its cache to
/// `affine`; switching to training clears it, since training changes the weights every step.
public final class PackedAffineCache: @unchecked Sendable {
    private let lock = NSLock()
    private var packed: PackedAffine?

    public init() {}

    /// x W^T + b through the packed kernel (W the `weights` stacked, b the `biases`), or nil where it does not
    /// apply: a gradient would be recorded, x has more than the kernel's `packedRowLimit` rows (OpenBLAS's own
    /// blocking is as fast there), or the CPU has no kernel faster than OpenBLAS (`GEMMKernel.inference`).
    public func callAsFunction(_ x: Tensor, weights: [Tensor], biases: [Tensor]) -> Tensor? {
        let rows = x.count / Swift.max(x.shape.last ?? 1, 1)
        let recording = GradMode.isEnabled && ([x] + weights + biases).contains { $0.needsGrad }
        guard !recording, let kernel = GEMMKernel.inference, rows <= kernel.packedRowLimit else { return nil }
        return packed(weights: weights, biases: biases, kernel: kernel)(x)
    }

    /// The packed form of `weights` and `biases`, packed now if there is none yet or they changed since.
    public func packed(weights: [Tensor], biases: [Tensor], kernel: GEMMKernel = .best) -> PackedAffine {
        lock.lock()
        defer { lock.unlock() }
        if let packed, packed.kernel == kernel, packed.matches(weights: weights, biases: biases) { return packed }
        let fresh = PackedAffine(weights: weights, biases: biases, kernel: kernel)
        packed = fresh
        return fresh
    }

    /// Whether a packed copy is held (the packed path has run since the last `clear`).
    var holdsPackedWeights: Bool {
        lock.lock()
        defer { lock.unlock() }
        return packed != nil
    }

    /// Drops the packed copy and its memory.
    public func clear() {
        lock.lock()
        packed = nil
        lock.unlock()
    }
}
