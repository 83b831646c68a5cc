import Dispatch
import Foundation
import Hummingbird
import ServiceLifecycle

extension TAOService {
    /// Runs the service until SIGTERM or SIGINT: then it takes no new work (503), lets open streams finish
    /// within `gracePeriod`, stops the server and returns (the process then exits 0).
    /// - Parameter onListening: called with the bound port once the server listens.
    public func runUntilSignalled(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let application = try makeApplication(onServerRunning: onListening)
        // The signals are handled here, not by the service group, so that streams can drain first.
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        let signals = SignalWaiter([SIGTERM, SIGINT])
        let signalled = Task {
            let number = await signals.next()
            logger.info("signal \(number): draining (up to \(configuration.gracePeriod) s for \(slots.open) open streams)")
            await drain()
            await group.triggerGracefulShutdown()
        }
        defer { signalled.cancel() }
        try await withTaskCancellationHandler {
            try await group.run()
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
        stop()
    }
}

/// Turns the first of some POSIX signals into an async event (the signals' default actions are disabled).
final class SignalWaiter: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let received = Locked<(number: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))

    init(_ numbers: [Int32]) {
        sources = numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            return source
        }
        for (source, number) in zip(sources, numbers) {
            source.setEventHandler { [received] in
                let waiter = received.withLock { state -> CheckedContinuation<Int32, Never>? in
                    guard state.number == nil else { return nil }
                    state.number = number
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume(returning: number)
            }
            source.resume()
        }
    }

    deinit { for source in sources { source.cancel() } }

    /// The first signal received (waits for it).
    func next() async -> Int32 {
        await withCheckedContinuation { continuation in
            let now = received.withLock { state -> Int32? in
                if let number = state.number { return number }
                state.waiter = continuation
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }
}
