import Foundation

/// Records a job's metrics and final status in the registry. The registry is a convenience, not the record of
/// truth (`status.json` is): a failed write never stops the job. After a failure (another process held the
/// registry locked past the busy timeout) the metrics are held and written with a later report, at most once a
/// minute, so that the job does not wait out the timeout at every report; the end of the job writes what is held.
public final class RegistrySink: MetricsSink {
    public let registry: Registry
    public let runID: String
    private let warn: (String) -> Void
    /// Metrics not written yet.
    private var held: [MetricRecord] = []
    private var markedRunning = false
    /// Set by a failed write: no write is tried before this time (nil while writes succeed).
    private var quietUntil: Date?

    static let retryInterval: TimeInterval = 60
    /// Held metrics beyond this many are dropped, oldest first.
    static let heldLimit = 100_000

    /// `warn` receives a line when writes fail, and one when they succeed again.
    public init(registry: Registry, runID: String, warn: @escaping (String) -> Void) {
        self.registry = registry
        self.runID = runID
        self.warn = warn
    }

    public func record(_ report: ProgressReport) {
        held += report.scalars.map {
            MetricRecord(run: runID, epoch: report.epoch, step: report.step, name: $0.name, value: $0.value.isFinite ? $0.value : nil)
        }
        if held.count > Self.heldLimit { held.removeFirst(held.count - Self.heldLimit) }
        if let quietUntil, Date() < quietUntil { return }
        flush()
    }

    public func finish(_ outcome: RunOutcome) {
        flush()
        let error = outcome.status == .success ? nil : outcome.message
        attempt { try registry.updateStatus(of: runID, to: outcome.status, end: outcome.date, error: error) }
    }

    /// Writes the held metrics (and marks the run running, once).
    private func flush() {
        attempt {
            try registry.insert(held)
            held.removeAll()
            if !markedRunning {
                try registry.updateStatus(of: runID, to: .running)
                markedRunning = true
            }
        }
    }

    /// Runs one write; a failure is reported and quiets writes for `retryInterval`, the success after it too.
    func attempt(_ write: () throws -> Void) {
        do {
            try write()
            if quietUntil != nil { warn("the run registry takes writes again; the metrics held meanwhile are in it") }
            quietUntil = nil
        } catch {
            if quietUntil == nil {
                warn("warning: run registry not updated (\(error)); the run goes on, and tries again in \(Int(Self.retryInterval)) s")
            }
            quietUntil = Date().addingTimeInterval(Self.retryInterval)
        }
    }
}
