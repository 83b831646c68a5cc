import Foundation

/// A request to end a run early, keeping what it has done: a training loop finishes its optimizer step and saves a
/// checkpoint that a rerun with the same results folder resumes from that step; `infer` finishes the files or queries
/// in hand and writes their lines. The run ends INTERRUPTED. Set by Ctrl-C or SIGTERM through `InterruptSignals`,
/// or by any caller; safe from any thread.
public final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?

    public init() {}

    /// Asks the run to stop, as `signal` would (the first request is kept).
    public func request(signal: Int32 = SIGINT) {
        lock.withLock { received = received ?? signal }
    }

    /// The signal that asked the run to stop, or nil while none has.
    public var signal: Int32? { lock.withLock { received } }
}
