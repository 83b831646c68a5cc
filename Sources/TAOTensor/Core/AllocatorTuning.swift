import CTAOGemm

/// Process-wide settings of the C allocator for tensor work, set once by a program's entry point.
public enum AllocatorTuning {
    /// Keeps freed tensor buffers of up to 128 MB in the process for the next operation, instead of glibc's
    /// default of handing blocks over its adaptive limit (at most 32 MB) back to the kernel and faulting fresh
    /// zeroed pages in on the next call (MiniLM's GELU input at batch 32 x 128 alone is 25 MB). With these settings
    /// given through GLIBC_TUNABLES, that batch took 1.08 s at 1 thread against 1.14-1.30 s without, two rounds
    /// each; the QuartzNet training step's peak memory stayed the same. Up to 512 MB freed may stay in the process.
    public static func keepLargeBuffers() {
        tao_allocator_keep_buffers(128 << 20, 512 << 20)
    }
}
