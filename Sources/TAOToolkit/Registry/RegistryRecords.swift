import Foundation
import GRDB

/// One subtask execution as the registry stores it (table `runs`).
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "runs"

    public var id: String
    public var task: String
    public var subtask: String
    /// The full spec the run used, as YAML.
    public var spec: String
    /// Absolute path of the results folder (`-r`).
    public var resultsDir: String
    public var host: String
    public var pid: Int32
    /// Process start in clock ticks after boot, to tell a live process from a reused pid.
    public var processStart: Int64?
    public var start: Date
    public var end: Date?
    /// The stored status: STARTED, RUNNING, SUCCESS or FAILURE (see `displayStatus` for what to show).
    public var status: RunStatus
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case id, task, subtask, spec, host, pid, status, error
        case resultsDir = "results_dir", processStart = "process_start", start = "start_time", end = "end_time"
    }

    /// Reads a row; a start or end time that is not a date (a row edited by hand) reads as unknown rather than
    /// failing the whole listing.
    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        id = try row.decode(String.self, forKey: .id)
        task = try row.decode(String.self, forKey: .task)
        subtask = try row.decode(String.self, forKey: .subtask)
        spec = try row.decode(String.self, forKey: .spec)
        resultsDir = try row.decode(String.self, forKey: .resultsDir)
        host = try row.decode(String.self, forKey: .host)
        pid = try row.decode(Int32.self, forKey: .pid)
        processStart = try row.decodeIfPresent(Int64.self, forKey: .processStart)
        start = (try? row.decode(Date.self, forKey: .start)) ?? .distantPast
        end = (try? row.decodeIfPresent(Date.self, forKey: .end)) ?? nil
        status = try row.decode(RunStatus.self, forKey: .status)
        error = try row.decodeIfPresent(String.self, forKey: .error)
    }

    public init(
        id: String, task: String, subtask: String, spec: String, resultsDir: String,
        process: ProcessIdentity, start: Date, end: Date? = nil, status: RunStatus = .started, error: String? = nil
    ) {
        self.id = id
        self.task = task
        self.subtask = subtask
        self.spec = spec
        self.resultsDir = resultsDir
        self.host = process.host
        self.pid = process.pid
        self.processStart = process.startTicks
        self.start = start
        self.end = end
        self.status = status
        self.error = error
    }

    /// The process that ran (or runs) this job.
    public var process: ProcessIdentity { ProcessIdentity(host: host, pid: pid, startTicks: processStart) }

    /// The status to show: INTERRUPTED for a STARTED or RUNNING run whose process is gone, else the stored one.
    public func displayStatus(currentHost: String = ProcessIdentity.currentHost()) -> RunStatus {
        status.isActive && process.isKnownDead(on: currentHost) ? .interrupted : status
    }

    /// Wall time from start to end (or to `now` while the run is active), in seconds.
    public func duration(now: Date = Date()) -> TimeInterval? {
        if let end { return end.timeIntervalSince(start) }
        return status.isActive ? now.timeIntervalSince(start) : nil
    }
}

/// One value of one named metric at one step of a run (table `metrics`).
public struct MetricRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "metrics"

    public var run: String
    public var epoch: Int?
    public var step: Int
    public var name: String
    /// nil where the value was not finite (SQLite stores NaN as NULL).
    public var value: Double?

    public init(run: String, epoch: Int?, step: Int, name: String, value: Double?) {
        self.run = run
        self.epoch = epoch
        self.step = step
        self.name = name
        self.value = value
    }
}

/// A file a run produced (table `artifacts`): a checkpoint, a model archive, a report.
public struct ArtifactRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "artifacts"

    public var run: String
    /// Absolute path of the file.
    public var path: String
    /// What the file is, e.g. `checkpoint`, `model`, `report`.
    public var kind: String
    /// Size in bytes.
    public var bytes: Int64
    /// SHA-256 of the content, lowercase hex.
    public var sha256: String

    public init(run: String, path: String, kind: String, bytes: Int64, sha256: String) {
        self.run = run
        self.path = path
        self.kind = kind
        self.bytes = bytes
        self.sha256 = sha256
    }
}
