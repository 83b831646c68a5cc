import CTAOGemm

/// Splits loops of the non-BLAS kernels over the cores BLAS is allowed to use, so tao never runs more
/// threads than `BLAS.setThreadCount` allows (BLAS itself is only called from one thread at a time). The parts
/// run on tao's spinning worker pool: Dispatch's sleeping threads took tens of microseconds to wake for each.
enum Parallel {
    /// Calls `body` on disjoint chunks covering `0..<count`, concurrently when more than one thread is
    /// allowed and there is more than `minimumChunk` work per thread.
    static func forEachChunk(_ count: Int, minimumChunk: Int = 1, threads allowed: Int? = nil, _ body: (Range<Int>) -> Void) {
        let threads = Swift.min(allowed ?? BLAS.threadCount, Swift.max(1, count / Swift.max(minimumChunk, 1)))
        if threads <= 1 || count <= 1 {
            body(0..<count)
            return
        }
        let chunk = (count + threads - 1) / threads
        onSpinningPool(parts: threads) { worker in
            let start = worker * chunk
            if start < count { body(start..<Swift.min(start + chunk, count)) }
        }
    }
}

extension Parallel {
    /// Splits `0..<count` into one chunk per allowed thread and runs the chunks one after another, each with
    /// BLAS using every thread; `body` gets the chunk index and its range.
    ///
    /// (Running the chunks side by side with BLAS switched to one thread was faster, but OpenBLAS's thread count
    /// is process-wide: switching it while another thread is inside a GEMM corrupted memory when several models
    /// ran at once. Until tao owns its GEMM threading, the chunks run in turn.)
    static func forEachChunkWithSerialBLAS(_ count: Int, _ body: (Int, Range<Int>) -> Void) {
        let threads = Swift.max(1, Swift.min(BLAS.threadCount, count))
        let chunk = (count + threads - 1) / threads
        for worker in 0..<threads where worker * chunk < count {
            body(worker, (worker * chunk)..<Swift.min((worker + 1) * chunk, count))
        }
    }
}

extension Parallel {
    /// Calls `body(part)` for every part in `0..<parts` on tao's spinning worker pool (`TAOSpinPool.h`), the
    /// calling thread taking part 0, for sections too short to wake a sleeping thread for each (a few tens of
    /// microseconds). When the pool is busy with another caller the parts run here, one after another.
    static func onSpinningPool(parts: Int, _ body: (Int) -> Void) {
        guard parts > 1 else {
            if parts == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var task = body
            let accepted = withUnsafeMutablePointer(to: &task) { pointer in
                tao_pool_run(Int32(parts), { context, part, _ in
                    context?.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(part))
                }, pointer)
            }
            if accepted == 0 { for part in 0..<parts { body(part) } }
        }
    }
}
