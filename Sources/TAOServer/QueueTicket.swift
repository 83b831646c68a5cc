import Foundation

/// A caller's place in the inference queue: its continuation, resumed exactly once, by the worker with the result
/// or at once with `CancellationError` when the caller's task is cancelled (its request timed out). The worker
/// drops queued work whose ticket is cancelled instead of running it.
final class QueueTicket<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Value, Error>?
    private var cancelled = false

    /// Whether the caller has gone (its work need not run).
    var isCancelled: Bool { lock.withLock { cancelled } }

    /// Keeps `continuation` for the worker; false, with `continuation` resumed, when the caller was cancelled already.
    func hold(_ continuation: CheckedContinuation<Value, Error>) -> Bool {
        let held = lock.withLock {
            if !cancelled { self.continuation = continuation }
            return !cancelled
        }
        if !held { continuation.resume(throwing: CancellationError()) }
        return held
    }

    /// Hands the caller its result (nothing when it has gone).
    func resume(with result: Result<Value, Error>) {
        take()?.resume(with: result)
    }

    /// Marks the caller gone and lets it go on at once with `CancellationError`.
    func cancel() {
        lock.withLock { cancelled = true }
        take()?.resume(throwing: CancellationError())
    }

    private func take() -> CheckedContinuation<Value, Error>? {
        lock.withLock {
            defer { continuation = nil }
            return continuation
        }
    }
}
