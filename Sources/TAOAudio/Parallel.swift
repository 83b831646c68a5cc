import Foundation

/// Runs `body(i)` for every i in 0..<count on up to `threads` threads, handing out indices one at a time so
/// uneven items (utterances of different lengths) balance across threads.
func parallelForEach(count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    let counter = SharedCounter()
    DispatchQueue.concurrentPerform(iterations: max(1, min(threads, count))) { _ in
        while true {
            let index = counter.next()
            guard index < count else { return }
            body(index)
        }
    }
}

/// A counter handed out under a lock.
private final class SharedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

/// One result slot per item, filled from several threads (each slot by one thread), read after they finish.
final class ParallelResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Value, Error>) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = result
    }

    /// The values in order, or the first item's error.
    func values() throws -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return try slots.map { slot in
            guard let slot else { preconditionFailure("ParallelResults: a slot was never filled") }
            return try slot.get()
        }
    }
}
