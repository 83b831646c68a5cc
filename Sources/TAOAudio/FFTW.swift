import CFFTW
import Foundation

/// The FFT library behind tao's front end.
public enum FFTW {
    /// FFTW's version string, e.g. "fftw-3.3.10-sse2-avx".
    public static var version: String { String(cString: tao_fftwf_version()) }
}

/// A real-to-complex FFT plan of one size (`fftwf_plan_dft_r2c_1d`), made once per size per process and shared.
///
/// Executing a plan on new arrays is thread-safe in FFTW (only planning is not), so one plan serves every thread;
/// each caller brings its own buffers from `makeBuffers()` (FFTW-aligned, as the plan requires).
public final class RealFFT: @unchecked Sendable {
    /// Transform length in samples.
    public let size: Int
    /// Output bins: size / 2 + 1.
    public var binCount: Int { size / 2 + 1 }
    private let plan: fftwf_plan

    /// Buffers for one thread: `input` holds `size` reals, `output` holds `binCount` complex values as (re, im) pairs.
    public final class Buffers {
        /// The `size` real input samples.
        public let input: UnsafeMutablePointer<Float>
        /// The complex bins seen as interleaved floats (a homogeneous tuple may be read as its element type).
        public let output: UnsafeMutablePointer<Float>
        fileprivate let complex: UnsafeMutablePointer<fftwf_complex>
        init(size: Int) {
            input = fftwf_alloc_real(size)
            complex = fftwf_alloc_complex(size / 2 + 1)
            complex.initialize(repeating: (0, 0), count: size / 2 + 1)
            output = UnsafeMutableRawPointer(complex).assumingMemoryBound(to: Float.self)
            input.initialize(repeating: 0, count: size)
        }
        deinit {
            fftwf_free(input)
            fftwf_free(complex)
        }
    }

    private init(size: Int) {
        self.size = size
        let buffers = Buffers(size: size)
        // FFTW_ESTIMATE (1 << 6) picks the algorithm without timing: FFTW_MEASURE's choice changes from run to run
        // with the machine's load, and with it the features' last bits, so seeded training would not be reproducible.
        plan = fftwf_plan_dft_r2c_1d(Int32(size), buffers.input, buffers.complex, 1 << 6)
    }

    deinit { fftwf_destroy_plan(plan) }

    /// Fresh, aligned buffers for one thread.
    public func makeBuffers() -> Buffers { Buffers(size: size) }

    /// Transforms `buffers.input` into `buffers.output`.
    @inline(__always)
    public func execute(_ buffers: Buffers) {
        fftwf_execute_dft_r2c(plan, buffers.input, buffers.complex)
    }

    /// The shared plan of `size` points (2...65536), planned on first use.
    public static func shared(size: Int) -> RealFFT {
        precondition(size >= 2 && size <= 65536, "RealFFT size \(size) outside 2...65536")
        return cache.plan(size: size)
    }

    private static let cache = PlanCache()

    /// Plans by size, guarded by a lock because FFTW's planner is not thread-safe.
    private final class PlanCache: @unchecked Sendable {
        private let lock = NSLock()
        private var plans: [Int: RealFFT] = [:]

        func plan(size: Int) -> RealFFT {
            lock.lock()
            defer { lock.unlock() }
            if let plan = plans[size] { return plan }
            let plan = RealFFT(size: size)
            plans[size] = plan
            return plan
        }
    }
}
