import CTAOGemm
import Foundation

/// An inference-only affine map y = x W^T + b whose weight is packed once into the panel layout of tao's GEMM
/// micro-kernel (Sources/CTAOGemm). OpenBLAS repacks the weight on every call; for a short sentence through
/// BERT that packing took more time than the arithmetic. No gradient flows through it: training keeps `affine`.

/// The micro-kernels of tao's packed GEMM, one per instruction set.
public enum GEMMKernel: Sendable, CaseIterable {
    /// Plain C, for any CPU.
    case scalar
    /// AVX2 with FMA (x86-64 since Haswell): 6 x 16 register tile.
    case avx2
    /// AVX-512F: 8 x 48 register tile.
    case avx512

    /// Whether this CPU runs the kernel.
    public var isSupported: Bool { tao_gemm_kernel_supported(raw) != 0 }

    /// The fastest kernel this CPU runs.
    public static let best: GEMMKernel = allCases.last { $0.isSupported } ?? .scalar

    /// The kernel inference layers use, or nil to keep OpenBLAS: the widest this CPU runs. Each beats OpenBLAS
    /// built for the same instructions: AVX-512 took 0.6-0.76x its time at 32 rows (Xeon, OpenBLAS's SkylakeX
    /// kernels); on an AVX2-only CPU (Zen 3, OpenBLAS's Haswell kernels) MiniLM batch 1 x 32 took 0.69-0.73x
    /// OpenBLAS's time at 1 thread and 0.48-0.68x at 2. (Beside AVX-512 OpenBLAS, the AVX2 kernel took 1.0-1.5x.)
    /// `TAO_INFERENCE_GEMM=blas|avx2|avx512` overrides the choice (a kernel this CPU lacks means OpenBLAS).
    public static let inference: GEMMKernel? = inferenceKernel(named: getenv("TAO_INFERENCE_GEMM").map { String(cString: $0) })

    /// The inference kernel for a `TAO_INFERENCE_GEMM` value (nil: the default choice).
    static func inferenceKernel(named name: String?) -> GEMMKernel? {
        switch name {
        case "blas": nil
        case "avx2": GEMMKernel.avx2.isSupported ? .avx2 : nil
        case "avx512": GEMMKernel.avx512.isSupported ? .avx512 : nil
        default: GEMMKernel.avx512.isSupported ? .avx512 : GEMMKernel.avx2.isSupported ? .avx2 : nil
        }
    }

    var raw: tao_gemm_kernel {
        switch self {
        case .scalar: TAO_GEMM_SCALAR
        case .avx2: TAO_GEMM_AVX2
        case .avx512: TAO_GEMM_AVX512
        }
    }
}

extension GEMMKernel {
    /// Rows up to which inference layers use this kernel; OpenBLAS takes larger inputs. AVX-512 (Xeon, one GEMM
    /// at a time on MiniLM's shapes, 1 thread, busy machine): 0.42-0.53x OpenBLAS's time at 32 rows, 0.97x at 128,
    /// 0.87-1.06x at 4096, so BLAS keeps the rest. AVX2 (Zen 3, against OpenBLAS's Haswell kernels): MiniLM batch
    /// 32 x 128 (4096 rows) took 0.94-0.96x the time at 1 thread and 0.76-0.96x at 2 with every GEMM on the kernel.
    public var packedRowLimit: Int { self == .avx2 ? Int.max : 128 }
}

/// The weights `[outFeatures, inFeatures]` and bias of an affine map packed for one GEMM kernel.
public final class PackedAffine: @unchecked Sendable {
    public let outFeatures: Int, inFeatures: Int
    public let kernel: GEMMKernel
    private let panels: TensorStorage
    private let bias: Tensor?
    /// Sampled bits of the weights and biases this was packed from (see `matches`).
    private let fingerprint: [UInt32]

    /// Packs `weights` stacked on their first axis (each `[out_i, inFeatures]`, e.g. query, key and value) and
    /// their `biases` (each `[out_i]`, or none at all) for `kernel`, which this CPU must run.
    public init(weights: [Tensor], biases: [Tensor], kernel: GEMMKernel = .best) {
        precondition(kernel.isSupported, "GEMM kernel \(kernel) does not run on this CPU")
        precondition(!weights.isEmpty && weights.allSatisfy { $0.rank == 2 && $0.shape[1] == weights[0].shape[1] },
                     "PackedAffine needs [out, in] weights with one in, got \(weights.map(\.shape))")
        precondition(biases.isEmpty || zip(weights, biases).allSatisfy { $1.shape == [$0.shape[0]] } && biases.count == weights.count,
                     "PackedAffine biases \(biases.map(\.shape)) do not fit weights \(weights.map(\.shape))")
        let k = weights[0].shape[1], n = weights.reduce(0) { $0 + $1.shape[0] }
        (outFeatures, inFeatures, self.kernel) = (n, k, kernel)
        panels = TensorStorage(count: tao_gemm_packed_count(kernel.raw, Int32(n), Int32(k)), zeroed: false)
        let stacked = Tensor.packed(weights) ?? concatenatedRows(weights)
        let values = stacked.contiguousValues()
        tao_gemm_pack(kernel.raw, values.pointer, Int32(n), Int32(k), Int32(k), panels.base)
        withExtendedLifetime(values) {}
        // A copy, not a view of the live biases: the packed form must keep the values it was packed from.
        bias = biases.isEmpty ? nil : concatenatedRows(biases)
        fingerprint = PackedAffine.fingerprint(weights + biases)
    }

    /// A single weight `[outFeatures, inFeatures]` with an optional bias `[outFeatures]`.
    public convenience init(weight: Tensor, bias: Tensor?, kernel: GEMMKernel = .best) {
        self.init(weights: [weight], biases: bias.map { [$0] } ?? [], kernel: kernel)
    }

    /// Whether `weights` and `biases` still hold the values this was packed from, judged on 64 entries spread over
    /// each tensor: an optimizer step or a checkpoint load changes them, a write to a single entry may go unseen.
    public func matches(weights: [Tensor], biases: [Tensor]) -> Bool {
        PackedAffine.fingerprint(weights + biases) == fingerprint
    }

    /// x `[..., inFeatures]` -> `[..., outFeatures]` (no gradient is recorded).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == inFeatures, "PackedAffine: input \(x.shape) does not fit [\(outFeatures), \(inFeatures)]")
        let input = x.contiguousValues()
        let out = Tensor(uninitialized: Array(x.shape.dropLast()) + [outFeatures])
        apply(input.pointer, rows: Shape.count(Array(x.shape.dropLast())), out: out.pointer)
        withExtendedLifetime(input) {}
        return out
    }

    /// out `[rows, outFeatures]` = input `[rows, inFeatures]` W^T + b, the panels split over `threads` (BLAS's
    /// thread count unless given) on tao's spinning worker pool.
    public func apply(_ input: UnsafePointer<Float>, rows: Int, out: UnsafeMutablePointer<Float>, threads: Int? = nil) {
        guard rows > 0 else { return }
        let panelWidth = Int(tao_gemm_panel_width(kernel.raw))
        // At least about 0.5 MFLOP per part: below that a part is over before the workers have seen it.
        let panelFlops = 2 * rows * inFeatures * panelWidth
        let panelsPerPart = Swift.max(1, 500_000 / Swift.max(panelFlops, 1))
        let panelCount = Int(tao_gemm_panel_count(kernel.raw, Int32(outFeatures)))
        let parts = Swift.min(threads ?? BLAS.threadCount, Swift.max(1, panelCount / panelsPerPart))
        let (m, n, k) = (Int32(rows), Int32(outFeatures), Int32(inFeatures))
        tao_gemm_packed_threads(kernel.raw, m, n, k, input, k, panels.base, bias?.pointer, out, n, Int32(parts))
        withExtendedLifetime(self) {}
    }

    /// The bits of up to 64 entries spread evenly over each tensor (any strides).
    private static func fingerprint(_ tensors: [Tensor]) -> [UInt32] {
        var bits: [UInt32] = []
        for tensor in tensors {
            let count = tensor.count, samples = Swift.min(count, 64)
            let base = tensor.storage.base + tensor.offset
            bits.append(UInt32(truncatingIfNeeded: count))
            for sample in 0..<samples {
                var index = sample * count / samples, position = 0
                for axis in stride(from: tensor.rank - 1, through: 0, by: -1) {
                    position += index % tensor.shape[axis] * tensor.strides[axis]
                    index /= tensor.shape[axis]
                }
                bits.append(base[position].bitPattern)
            }
        }
        return bits
    }
}
