import Dispatch

/// Computes the next item on another thread while the caller works on this one (e.g. featurizing the next
/// batch while the model trains on the current one).
final class Prefetcher<Value>: @unchecked Sendable {
    private let queue = DispatchQueue(label: "tao.prefetch")
    private let group = DispatchGroup()
    private var result: Result<Value, Error>?

    /// Starts computing the next item; call `take()` before starting another.
    func start(_ work: @escaping @Sendable () throws -> Value) {
        group.enter()
        queue.async {
            self.result = Result { try work() }
            self.group.leave()
        }
    }

    /// Waits for the item `start` began and returns it (or throws its error).
    func take() throws -> Value {
        group.wait()
        defer { result = nil }
        guard let result else { preconditionFailure("Prefetcher.take() without start()") }
        return try result.get()
    }
}
