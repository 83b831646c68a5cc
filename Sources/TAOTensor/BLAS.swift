import CBLAS

/// The BLAS library tao computes its matrix products with (OpenBLAS).
public enum BLAS {
    /// Threads OpenBLAS uses for one large product.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the OpenBLAS thread count (1 when the caller parallelizes around BLAS itself).
    public static func setThreadCount(_ count: Int) { openblas_set_num_threads(Int32(count)) }
}
