import CFFTW
import Foundation

/// The FFT library behind tao's front end.
public enum FFTW {
    /// FFTW's version string, e.g. "fftw-3.3.10-sse2-avx".
    public static var version: String { String(cString: tao_fftwf_version()) }
}

/// A batched real-to-complex FFT plan (`fftwf_plan_many_dft_r2c`): `batch` transforms of `size` points at once,
/// inputs one after another (`[batch, size]`), outputs bin-major (`[size / 2 + 1, batch]` complex), so the power
/// spectra of a block of frames come out in the layout the mel filterbank wants. Made once per size per process.
///
/// Executing a plan on new arrays is thread-safe in FFTW (only planning is not), so one plan serves every thread;
/// each caller brings its own buffers from `makeBuffers()` (FFTW-aligned, as the plan requires).
public final class RealFFT: @unchecked Sendable {
    /// Transform length in samples.
    public let size: Int
    /// Transforms per execution.
    public let batch: Int
    /// Output bins per transform: size / 2 + 1.
    public var binCount: Int { size / 2 + 1 }
    private let plan: fftwf_plan

    /// Buffers for one thread: `input` holds `batch * size` reals (transform t at `t * size`), `output` holds
    /// `binCount * batch` complex values as (re, im) pairs (bin k of transform t at pair `k * batch + t`).
    public final class Buffers {
        public let input: UnsafeMutablePointer<Float>
        /// The complex bins seen as interleaved floats (a homogeneous tuple may be read as its element type).
        public let output: UnsafeMutablePointer<Float>
        fileprivate let complex: UnsafeMutablePointer<fftwf_complex>
        init(size: Int, batch: Int) {
            input = fftwf_alloc_real(size * batch)
            input.initialize(repeating: 0, count: size * batch)
            complex = fftwf_alloc_complex((size / 2 + 1) * batch)
            complex.initialize(repeating: (0, 0), count: (size / 2 + 1) * batch)
            output = UnsafeMutableRawPointer(complex).assumingMemoryBound(to: Float.self)
        }
        deinit {
            fftwf_free(input)
            fftwf_free(complex)
        }
    }

    private init(size: Int, batch: Int) {
        self.size = size
        self.batch = batch
        let buffers = Buffers(size: size, batch: batch)
        var n = Int32(size)
        // FFTW_MEASURE (0) times a few algorithms once; the plan is then reused for every block of every utterance.
        plan = fftwf_plan_many_dft_r2c(1, &n, Int32(batch), buffers.input, nil, 1, Int32(size),
                                        buffers.complex, nil, Int32(batch), 1, 0)
    }

    deinit { fftwf_destroy_plan(plan) }

    /// Fresh, aligned buffers for one thread.
    public func makeBuffers() -> Buffers { Buffers(size: size, batch: batch) }

    /// Transforms all `batch` inputs of `buffers`.
    @inline(__always)
    public func execute(_ buffers: Buffers) {
        fftwf_execute_dft_r2c(plan, buffers.input, buffers.complex)
    }

    /// The shared plan for `batch` transforms of `size` points (2...65536), planned on first use.
    public static func shared(size: Int, batch: Int) -> RealFFT {
        precondition(size >= 2 && size <= 65536 && batch >= 1 && batch <= 256, "RealFFT size \(size) batch \(batch)")
        return cache.plan(size: size, batch: batch)
    }

    private static let cache = PlanCache()

    /// Plans by size, guarded by a lock because FFTW's planner is not thread-safe.
    private final class PlanCache: @unchecked Sendable {
        private let lock = NSLock()
        private var plans: [[Int]: RealFFT] = [:]

        func plan(size: Int, batch: Int) -> RealFFT {
            lock.lock()
            defer { lock.unlock() }
            if let plan = plans[[size, batch]] { return plan }
            let plan = RealFFT(size: size, batch: batch)
            plans[[size, batch]] = plan
            return plan
        }
    }
}
