import Foundation

/// One report of a long job's progress: where it is and what it measures.
public struct ProgressReport: Sendable, Equatable {
    /// Epoch (0-based, as NeMo counts), nil for jobs without epochs.
    public var epoch: Int?
    /// Global step (or batch) number, counted from 1 for the first finished step.
    public var step: Int
    /// Steps the whole job will take, when known.
    public var totalSteps: Int?
    public var loss: Double?
    /// Named metrics such as `wer` or `accuracy`.
    public var metrics: [String: Double]
    public var learningRate: Double?
    /// Items (utterances, sentences) processed so far in the whole job; nil to count steps as items.
    public var items: Int?
    public var date: Date

    public init(
        epoch: Int? = nil, step: Int, totalSteps: Int? = nil, loss: Double? = nil, metrics: [String: Double] = [:],
        learningRate: Double? = nil, items: Int? = nil, date: Date = Date()
    ) {
        self.epoch = epoch
        self.step = step
        self.totalSteps = totalSteps
        self.loss = loss
        self.metrics = metrics
        self.learningRate = learningRate
        self.items = items
        self.date = date
    }

    /// Every scalar of the report under the name the registry and TensorBoard use:
    /// `loss`, `learning_rate`, then the metrics, sorted by name.
    public var scalars: [(name: String, value: Double)] {
        var scalars: [(name: String, value: Double)] = []
        if let loss { scalars.append(("loss", loss)) }
        if let learningRate { scalars.append(("learning_rate", learningRate)) }
        for name in metrics.keys.sorted() { scalars.append((name, metrics[name] ?? .nan)) }
        return scalars
    }
}

/// How a job ended.
public struct RunOutcome: Sendable, Equatable {
    /// `.success` or `.failure`.
    public var status: RunStatus
    public var message: String
    public var date: Date

    public init(status: RunStatus, message: String, date: Date = Date()) {
        self.status = status
        self.message = message
        self.date = date
    }
}

/// Where a long job's progress goes: the terminal, `status.json`, the registry, TensorBoard.
/// A sink belongs to one job and is called from that job's thread only.
public protocol MetricsSink: AnyObject {
    /// Takes one progress report.
    func record(_ report: ProgressReport) throws
    /// Takes the job's end; a sink flushes and closes what it holds.
    func finish(_ outcome: RunOutcome) throws
}

extension MetricsSink {
    public func finish(_ outcome: RunOutcome) throws {}
}
