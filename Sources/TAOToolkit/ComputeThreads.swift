import Foundation
import TAOTensor

/// Sets the threads of the matrix products and kernels (process-wide); 0 or less means every core.
func useComputeThreads(_ requested: Int) {
    BLAS.setThreadCount(requested > 0 ? requested : ProcessInfo.processInfo.activeProcessorCount)
}
