import NIOCore

/// Runs `body`, failing with `ServerError.timeout` after `seconds` (the message names `what` and gives `advice`),
/// or with `ServerError.cancelled` as soon as `clientGone` completes. `body` is cancelled then: its inference work
/// that is still queued is dropped.
func withTimeout<Value: Sendable>(_ seconds: Double, what: String, advice: String = "send less work per request",
                                  clientGone: EventLoopFuture<Void>? = nil,
                                  _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
    try await withThrowingTaskGroup(of: Outcome<Value>.self) { group in
        group.addTask { .done(try await body()) }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return .timedOut
        }
        if let clientGone { group.addTask { await waitForClientGone(clientGone) ? .clientGone : .cancelled } }
        defer { group.cancelAll() }
        switch try await group.next() {
        case let .done(value): return value
        case .timedOut:
            throw ServerError.timeout("\(what) took longer than \(String(format: "%g", seconds)) s (the server's request timeout); \(advice)")
        case .clientGone: throw ServerError.cancelled("the client closed the connection before the answer; its work was dropped")
        case .cancelled, nil: throw CancellationError()
        }
    }
}

/// How the first of `withTimeout`'s racers ended.
private enum Outcome<Value: Sendable>: Sendable {
    case done(Value), timedOut, clientGone, cancelled
}

/// Waits until `clientGone` completes (true) or the task is cancelled (false). A future's `get()` cannot be
/// cancelled, and a task group waits for every child: waiting on it directly would hold each answer until the
/// client leaves.
private func waitForClientGone(_ clientGone: EventLoopFuture<Void>) async -> Bool {
    let outcome = FirstValue<Bool>()
    clientGone.whenComplete { _ in outcome.set(true) }
    return await withTaskCancellationHandler { await outcome.value() } onCancel: { outcome.set(false) }
}

/// Runs `work` in a task of its own, cancelled when `clientGone` completes or this task is cancelled.
func cancellingWhenGone<Value: Sendable>(_ clientGone: EventLoopFuture<Void>?,
                                         _ work: sending @escaping @isolated(any) () async -> Value) async -> Value {
    let task = Task(operation: work)
    clientGone?.whenComplete { _ in task.cancel() }
    return await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
}
