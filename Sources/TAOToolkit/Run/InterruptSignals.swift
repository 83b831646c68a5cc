import Dispatch
import Foundation

/// Ctrl-C (SIGINT) and SIGTERM while a training run works: the first asks the run to stop after its step and to save
/// a checkpoint (`StopRequest`); a second ends the process at once, as the signal would have, losing only the steps
/// since the last checkpoint (a checkpoint being written stays whole: it is renamed into place).
public enum InterruptSignals {
    /// Runs `body` with the two signals routed to `stop`; their default actions are back when it returns.
    public static func routed<T>(to stop: StopRequest, _ body: () throws -> T) rethrows -> T {
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
                let name = number == SIGINT ? "Ctrl-C" : "SIGTERM"
                FileHandle.standardError.write(Data(("\n\(name): stopping after this training step and saving a checkpoint "
                    + "(\(name == "Ctrl-C" ? "Ctrl-C" : "the signal") again stops at once, losing the steps since the last checkpoint)\n").utf8))
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
