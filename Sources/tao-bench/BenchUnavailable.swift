/// Thrown by a benchmark area that this build does not implement yet.
struct BenchUnavailable: Error, CustomStringConvertible {
    let area: String
    var description: String { "benchmark area '\(area)' is not available yet in this build" }
}
