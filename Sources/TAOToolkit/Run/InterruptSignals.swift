import Dispatch
import Foundation

/// Ctrl-C (SIGINT) and SIGTERM while a subtask that can stop early works (training, `infer`): the first asks it
/// to stop at its next safe point and keep what it has done (`StopRequest`); a second ends the process at once, as the
/// signal would have (files being written stay whole: they are renamed into place).
public enum InterruptSignals {
    /// What a subtask tells the user when the first signal arrives.
    public struct Announcement: Sendable {
        /// Where it stops and what it keeps, after "stopping ": "after this training step and saving a checkpoint".
        public var stopping: String
        /// What a second signal loses, after "losing ": "the steps since the last checkpoint".
        public var secondLoses: String

        public init(stopping: String, secondLoses: String) {
            self.stopping = stopping
            self.secondLoses = secondLoses
        }
    }

    /// "Ctrl-C" for SIGINT, "SIGTERM", or "signal N".
    public static func name(of signal: Int32) -> String {
        signal == SIGINT ? "Ctrl-C" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
    }

    /// Runs `body` with the two signals routed to `stop`, announcing the first as `announcement` says; their default
    /// actions are back when it returns.
    public static func routed<T>(to stop: StopRequest, announcing announcement: Announcement, _ body: () throws -> T) rethrows -> T {
        let numbers = [SIGINT, SIGTERM]
        let sources = numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                guard stop.signal == nil else {
                    signal(number, SIG_DFL)
                    kill(getpid(), number)
                    return
                }
                stop.request(signal: number)
                let name = name(of: number)
                FileHandle.standardError.write(Data(("\n\(name): stopping \(announcement.stopping) "
                    + "(\(number == SIGINT ? "Ctrl-C" : "the signal") again stops at once, losing \(announcement.secondLoses))\n").utf8))
            }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
            for number in numbers { signal(number, SIG_DFL) }
        }
        return try body()
    }
}
