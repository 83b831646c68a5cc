import Foundation
import GRDB

/// The SQLite database of every run (DESIGN.md 5.4): runs, their metrics and their artifacts.
///
/// One `DatabasePool` in WAL mode, so readers never block the writer; several processes may open the same
/// file at once: writes take SQLite's write lock in IMMEDIATE transactions, wait up to `busyTimeout` for it,
/// and are retried a few times more, so concurrent writers queue instead of losing rows.
public final class Registry: Sendable {
    /// The database file.
    public let url: URL
    let pool: DatabasePool

    /// How long one statement waits for another connection's lock, in seconds.
    public static let busyTimeout: TimeInterval = 15
    /// How many times a write that still found the database busy is tried again.
    static let busyRetries = 4

    /// Opens (creating if needed) the registry at `url` and applies pending schema migrations; with `readOnly`, opens
    /// an existing registry for reading only, which needs no lock (a run writing it meanwhile does not block it) and
    /// works on a read-only copy.
    public init(url: URL, readOnly: Bool = false) throws {
        self.url = url
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "tao.registry"
        configuration.readonly = readOnly
        if !readOnly { configuration.journalMode = .wal }
        do {
            pool = try Self.retryingWhenBusy { try DatabasePool(path: url.path, configuration: configuration) }
            if !readOnly { try Self.migrate(pool) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw RegistryError.busy(path: url.path, seconds: Int(Self.busyTimeout) * (Self.busyRetries + 1))
        } catch {
            throw RegistryError.cannotOpen(path: url.path, reason: Self.reason(error))
        }
        if readOnly, try !pool.read({ try RegistryMigrations.migrator.hasCompletedMigrations($0) }) {
            throw RegistryError.outdated(path: url.path)
        }
    }

    /// Applies pending migrations. Several processes opening a new registry at once may each try to apply
    /// the same migration; the losers' transactions fail (e.g. "table already exists") and roll back, so they
    /// try again, and find the migration applied.
    private static func migrate(_ pool: DatabasePool) throws {
        var attempt = 0
        while true {
            do {
                try retryingWhenBusy { try RegistryMigrations.migrator.migrate(pool) }
                return
            } catch {
                attempt += 1
                if attempt > 8 { throw error }
                Thread.sleep(forTimeInterval: 0.02 * Double(attempt))
            }
        }
    }

    /// `$TAO_HOME/registry.sqlite`, with `TAO_HOME` defaulting to `~/.tao`; creates the folder.
    public static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        let home = TAOHome.url(environment: environment)
        do {
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        } catch {
            throw RegistryError.cannotCreateFolder(path: home.path, reason: reason(error))
        }
        return home.appendingPathComponent("registry.sqlite")
    }

    /// Opens the registry at `defaultURL(environment:)`.
    public static func openDefault(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Registry {
        try Registry(url: defaultURL(environment: environment))
    }

    /// Opens the registry at `defaultURL(environment:)` to read it (`tao runs`): read-only when it exists.
    public static func openDefaultForReading(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Registry {
        let url = try defaultURL(environment: environment)
        return try Registry(url: url, readOnly: FileManager.default.fileExists(atPath: url.path))
    }

    // MARK: writes

    /// Records a new run.
    public func insert(_ run: RunRecord) throws {
        try write("recording run \(run.id)") { db in try run.insert(db) }
    }

    /// Sets a run's status, and for a finished run its end time and error message.
    public func updateStatus(of id: String, to status: RunStatus, end: Date? = nil, error: String? = nil) throws {
        try write("updating run \(id)") { db in
            try db.execute(
                sql: "UPDATE runs SET status = ?, end_time = COALESCE(?, end_time), error = COALESCE(?, error) WHERE id = ?",
                arguments: [status.rawValue, end, error, id]
            )
        }
    }

    /// Appends metric values (one transaction for all of them).
    public func insert(_ metrics: [MetricRecord]) throws {
        guard !metrics.isEmpty else { return }
        try write("recording metrics of run \(metrics[0].run)") { db in
            for metric in metrics { try metric.insert(db) }
        }
    }

    /// Records an artifact, replacing an earlier record of the same run and path.
    public func insert(_ artifact: ArtifactRecord) throws {
        try write("recording artifact \(artifact.path)") { db in try artifact.upsert(db) }
    }

    // MARK: plumbing

    func write(_ operation: String, _ updates: (Database) throws -> Void) throws {
        do {
            try Self.retryingWhenBusy { try pool.write(updates) }
        } catch {
            throw RegistryError.databaseFailure(path: url.path, operation: operation, reason: Self.reason(error))
        }
    }

    func read<T>(_ operation: String, _ value: (Database) throws -> T) throws -> T {
        do {
            return try Self.retryingWhenBusy { try pool.read(value) }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError.databaseFailure(path: url.path, operation: operation, reason: Self.reason(error))
        }
    }

    /// Runs `body`, trying again (after a short pause) when SQLite still reports the database busy or locked.
    static func retryingWhenBusy<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as DatabaseError
                where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && attempt < busyRetries {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            }
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return (error as NSError).localizedDescription
    }
}
