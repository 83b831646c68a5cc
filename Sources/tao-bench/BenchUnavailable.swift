/// Thrown by a benchmark that cannot run here (a workload this build lacks, a model file not found); says why.
struct BenchUnavailable: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
