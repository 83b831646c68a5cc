import Foundation
import GRDB

/// A run with what it recorded: the last value of each metric, the last value per epoch, its artifacts.
public struct RunDetails: Sendable {
    public var run: RunRecord
    /// The last value of each metric name, sorted by name.
    public var latestMetrics: [MetricRecord]
    /// The last value of each metric name in each epoch, sorted by epoch then name.
    public var epochMetrics: [MetricRecord]
    public var artifacts: [ArtifactRecord]
}

/// Two runs' metrics side by side.
public struct RunComparison: Sendable {
    /// One metric name (and, per epoch, one epoch) with each run's value; nil where a run lacks it.
    public struct Row: Sendable, Equatable {
        public var epoch: Int?
        public var name: String
        public var first: Double?
        public var second: Double?
    }

    public var first: RunRecord
    public var second: RunRecord
    /// The last value of each metric name, sorted by name.
    public var latest: [Row]
    /// The last value of each metric name per epoch, sorted by epoch then name.
    public var perEpoch: [Row]
}

extension Registry {
    /// Runs newest first, optionally only those of one task, at most `limit` of them.
    public func runs(task: String? = nil, limit: Int? = nil) throws -> [RunRecord] {
        try read("listing runs") { db in
            var request = RunRecord.order(Column("start_time").desc, Column("id").desc)
            if let task { request = request.filter(Column("task") == task) }
            if let limit { request = request.limit(max(0, limit)) }
            return try request.fetchAll(db)
        }
    }

    /// The run with this id, or with this unique id prefix.
    public func run(id: String) throws -> RunRecord {
        try read("reading run \(id)") { db in try Self.resolve(id, in: db, path: url.path) }
    }

    /// Every metric value a run recorded, in the order it recorded them.
    public func metrics(of id: String) throws -> [MetricRecord] {
        try read("reading metrics of run \(id)") { db in
            let run = try Self.resolve(id, in: db, path: url.path)
            return try MetricRecord.filter(Column("run") == run.id).order(Column("id")).fetchAll(db)
        }
    }

    /// A run with its latest and per-epoch metrics and its artifacts.
    public func details(of id: String) throws -> RunDetails {
        try read("reading run \(id)") { db in
            let run = try Self.resolve(id, in: db, path: url.path)
            return RunDetails(
                run: run,
                latestMetrics: try Self.latestMetrics(of: run.id, in: db),
                epochMetrics: try Self.epochMetrics(of: run.id, in: db),
                artifacts: try ArtifactRecord.filter(Column("run") == run.id).order(Column("path")).fetchAll(db)
            )
        }
    }

    /// The metrics of two runs side by side (both read in one snapshot).
    public func compare(_ firstID: String, _ secondID: String) throws -> RunComparison {
        try read("comparing runs \(firstID) and \(secondID)") { db in
            let first = try Self.resolve(firstID, in: db, path: url.path)
            let second = try Self.resolve(secondID, in: db, path: url.path)
            return RunComparison(
                first: first, second: second,
                latest: Self.sideBySide(
                    try Self.latestMetrics(of: first.id, in: db).map(Self.withoutEpoch),
                    try Self.latestMetrics(of: second.id, in: db).map(Self.withoutEpoch)
                ),
                perEpoch: Self.sideBySide(try Self.epochMetrics(of: first.id, in: db), try Self.epochMetrics(of: second.id, in: db))
            )
        }
    }

    static func resolve(_ id: String, in db: Database, path: String) throws -> RunRecord {
        if let run = try RunRecord.fetchOne(db, key: id) { return run }
        // Run ids are short (20260101-120000-ab12); a longer text matches none, and SQLite refuses LIKE patterns over 50,000 bytes.
        guard id.utf8.count <= 100 else { throw RegistryError.unknownRun(id: String(id.prefix(40)) + "...", path: path) }
        let escaped = id.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        let matches = try RunRecord.fetchAll(
            db, sql: "SELECT * FROM runs WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 6", arguments: [escaped + "%"]
        )
        guard !id.isEmpty, let only = matches.first else { throw RegistryError.unknownRun(id: id, path: path) }
        guard matches.count == 1 else { throw RegistryError.ambiguousRun(prefix: id, matches: matches.map(\.id)) }
        return only
    }

    /// The last recorded value of each metric name ("last" = inserted last: one process writes a run, in order).
    static func latestMetrics(of run: String, in db: Database) throws -> [MetricRecord] {
        try MetricRecord.fetchAll(db, sql: """
            SELECT run, epoch, step, name, value FROM metrics
            WHERE id IN (SELECT MAX(id) FROM metrics WHERE run = ? GROUP BY name)
            ORDER BY name
            """, arguments: [run])
    }

    /// The last recorded value of each metric name within each epoch.
    static func epochMetrics(of run: String, in db: Database) throws -> [MetricRecord] {
        try MetricRecord.fetchAll(db, sql: """
            SELECT run, epoch, step, name, value FROM metrics
            WHERE id IN (SELECT MAX(id) FROM metrics WHERE run = ? AND epoch IS NOT NULL GROUP BY epoch, name)
            ORDER BY epoch, name
            """, arguments: [run])
    }

    static func withoutEpoch(_ metric: MetricRecord) -> MetricRecord {
        var metric = metric
        metric.epoch = nil
        return metric
    }

    /// Joins two sorted metric lists on (epoch, name).
    static func sideBySide(_ first: [MetricRecord], _ second: [MetricRecord]) -> [RunComparison.Row] {
        struct Key: Hashable, Comparable {
            var epoch: Int?
            var name: String
            static func < (a: Key, b: Key) -> Bool { ((a.epoch ?? -1), a.name) < ((b.epoch ?? -1), b.name) }
        }
        var rows: [Key: RunComparison.Row] = [:]
        for metric in first {
            rows[Key(epoch: metric.epoch, name: metric.name)] = .init(epoch: metric.epoch, name: metric.name, first: metric.value, second: nil)
        }
        for metric in second {
            let key = Key(epoch: metric.epoch, name: metric.name)
            rows[key, default: .init(epoch: metric.epoch, name: metric.name, first: nil, second: nil)].second = metric.value
        }
        return rows.keys.sorted().compactMap { rows[$0] }
    }
}
