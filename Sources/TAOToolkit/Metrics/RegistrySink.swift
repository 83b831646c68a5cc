import Foundation

/// Records a job's metrics and final status in the registry. The registry is a convenience, not the record of
/// truth (`status.json` is): a failed write is reported once through `warn` and never stops the job; after a
/// failure, metrics are no longer sent (each try may wait out the busy timeout), but the final status still is.
public final class RegistrySink: MetricsSink {
    public let registry: Registry
    public let runID: String
    private let warn: (String) -> Void
    private var failed = false
    private var markedRunning = false

    /// `warn` receives one line the first time a write fails.
    public init(registry: Registry, runID: String, warn: @escaping (String) -> Void) {
        self.registry = registry
        self.runID = runID
        self.warn = warn
    }

    public func record(_ report: ProgressReport) {
        let metrics = report.scalars.map {
            MetricRecord(run: runID, epoch: report.epoch, step: report.step, name: $0.name, value: $0.value.isFinite ? $0.value : nil)
        }
        attempt { try registry.insert(metrics) }
        if !markedRunning {
            attempt { try registry.updateStatus(of: runID, to: .running) }
            markedRunning = true
        }
    }

    public func finish(_ outcome: RunOutcome) {
        let error = outcome.status == .failure ? outcome.message : nil
        attempt(evenAfterFailure: true) { try registry.updateStatus(of: runID, to: outcome.status, end: outcome.date, error: error) }
    }

    /// Runs one write unless an earlier one failed; the first failure is reported.
    func attempt(evenAfterFailure: Bool = false, _ write: () throws -> Void) {
        guard evenAfterFailure || !failed else { return }
        do {
            try write()
        } catch {
            if !failed { warn("warning: run registry not updated, the run goes on without it: \(error)") }
            failed = true
        }
    }
}
