import Dispatch
import Foundation
import Hummingbird
import ServiceLifecycle

extension TAOService {
    /// Runs the service until SIGTERM or SIGINT: then it takes no new work (503), lets open streams finish
    /// within `gracePeriod`, drops the inference still queued (its callers get 503), and stops the server. HTTP
    /// requests still running when the grace period ends are cancelled, and the method returns at most 2 s later
    /// even if the server has not stopped (the process then exits 0).
    /// - Parameter onListening: called with the bound port once the server listens.
    public func runUntilSignalled(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let application = try makeApplication(onServerRunning: onListening)
        // The signals are handled here, not by the service group, so that streams can drain first.
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        let signals = SignalWaiter([SIGTERM, SIGINT])
        // The server stopping by itself, or the shutdown's deadline passing, whichever comes first.
        let outcome = FirstValue<Result<Void, Error>>()
        let running = Task {
            do {
                try await group.run()
                outcome.set(.success(()))
            } catch {
                outcome.set(.failure(error))
            }
        }
        let signalled = Task {
            let number = await signals.next()
            try await shutDown(group, running: running, signal: number)
            outcome.set(.success(()))
        }
        defer { signalled.cancel() }
        try await withTaskCancellationHandler {
            try await outcome.value().get()
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
        stop()
    }

    /// After a signal: drains the streams, drops queued inference, stops the server gracefully, and cancels what
    /// still runs at the end of the grace period. Returns 2 s after that cancellation (unless cancelled first,
    /// when the server stopped in time).
    private func shutDown(_ group: ServiceGroup, running: Task<Void, Never>, signal number: Int32) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(configuration.gracePeriod * 1000))
        logger.info("signal \(number): draining (up to \(configuration.gracePeriod) s for \(slots.open) open streams and the running requests)")
        await drain()
        queue.stop(droppingQueued: true)
        await group.triggerGracefulShutdown()
        try await Task.sleep(until: deadline)
        logger.warning("requests still running after the \(configuration.gracePeriod) s grace period: cancelling them")
        running.cancel()
        try await Task.sleep(for: .seconds(2))
        logger.warning("the server has not stopped 2 s after its requests were cancelled: exiting anyway")
    }
}

/// Turns the first of some POSIX signals into an async event (the signals' default actions are disabled).
final class SignalWaiter: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let received = FirstValue<Int32>()

    init(_ numbers: [Int32]) {
        sources = numbers.map { number in
            signal(number, SIG_IGN)
            return DispatchSource.makeSignalSource(signal: number, queue: .global())
        }
        for (source, number) in zip(sources, numbers) {
            source.setEventHandler { [received] in received.set(number) }
            source.resume()
        }
    }

    deinit { for source in sources { source.cancel() } }

    /// The first signal received (waits for it).
    func next() async -> Int32 { await received.value() }
}
