import Foundation
import Logging

/// How many client connections `tao serve` holds open at once. A connection over the limit is answered 503 at once
/// and closed, so that idle sockets cannot use up the process's file descriptors (which leaves every route, `/health`
/// included, unreachable, with nothing logged). Refusals are logged, at most once every 10 s, and counted in the
/// metrics with the connections open.
final class ConnectionLimit: @unchecked Sendable {
    let maximum: Int
    private let logger: Logger
    private let metrics: ServerMetrics
    private let lock = NSLock()
    private var open = 0
    private var refusedSinceWarning = 0
    private var lastWarning: Date?

    init(maximum: Int, logger: Logger, metrics: ServerMetrics) {
        self.maximum = maximum
        self.logger = logger
        self.metrics = metrics
    }

    /// Counts a new connection in when there is room; false when it must be refused.
    func admit() -> Bool {
        let (admitted, warning) = lock.withLock { () -> (Bool, Int?) in
            if open < maximum {
                open += 1
                metrics.setOpenConnections(open)
                return (true, nil)
            }
            metrics.connectionRefused()
            refusedSinceWarning += 1
            let now = Date()
            guard lastWarning.map({ now.timeIntervalSince($0) >= 10 }) ?? true else { return (false, nil) }
            defer { (lastWarning, refusedSinceWarning) = (now, 0) }
            return (false, refusedSinceWarning)
        }
        if let warning {
            logger.warning("\(maximum) connections open, the limit (--max-connections): refusing new ones with 503 (\(warning) since the last warning)")
        }
        return admitted
    }

    /// Counts an admitted connection out once it has closed.
    func release() {
        lock.withLock {
            open -= 1
            metrics.setOpenConnections(open)
        }
    }

    /// The error a refused connection is answered with.
    var refusal: ServerError {
        .overloaded("the server has \(maximum) connections open, its limit (--max-connections); close idle ones or try again later")
    }

    /// The default limit: 1024 connections, or fewer when the process may open fewer files (its soft limit, raised
    /// to the hard one first), keeping 64 descriptors for models, logs and the registry.
    static func defaultMaximum() -> Int {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return 1024 }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            raised.rlim_cur = min(limits.rlim_max, 65536)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limits = raised }
        }
        return min(1024, max(8, Int(min(limits.rlim_cur, 1 << 20)) - 64))
    }
}
