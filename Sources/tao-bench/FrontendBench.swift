/// `tao-bench frontend`: 64-mel features of one hour of 16 kHz speech (issue 4).
enum FrontendBench {
    static func run(_ arguments: [String]) throws {
        throw BenchUnavailable(area: "frontend")
    }
}
