/// `tao-bench tensor`: the tensor engine's training and inference workloads (issue 3).
enum TensorBench {
    static func run(_ arguments: [String]) throws {
        throw BenchUnavailable(area: "tensor")
    }
}
