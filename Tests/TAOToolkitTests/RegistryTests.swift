import Foundation
import GRDB
import Testing
@testable import TAOToolkit

@Suite("Run registry")
struct RegistryTests {
    let directory: URL
    let url: URL

    init() throws {
        directory = try makeRunTestDirectory("tao-registry")
        url = directory.appendingPathComponent("registry.sqlite")
    }

    func makeRun(_ id: String, task: String = "speech_to_text", start: Date, status: RunStatus = .started,
                 process: ProcessIdentity = .current()) -> RunRecord {
        RunRecord(id: id, task: task, subtask: "train", spec: "trainer:\n  max_epochs: 2\n", resultsDir: "/tmp/r/\(id)",
                  process: process, start: start, status: status)
    }

    @Test("a fresh database gets every migration, WAL mode and the three tables; reopening changes nothing")
    func migrationsOnFreshDatabase() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try Registry(url: url)
        let (mode, tables, applied) = try registry.pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb%' AND name NOT LIKE 'sqlite%' ORDER BY name"),
             try RegistryMigrations.migrator.appliedIdentifiers(db))
        }
        #expect(mode == "wal")
        #expect(tables == ["artifacts", "metrics", "runs"])
        #expect(applied == ["v1: runs, metrics, artifacts"])
        let columns = try registry.pool.read { db in try db.columns(in: "runs").map(\.name) }
        #expect(columns == ["id", "task", "subtask", "spec", "results_dir", "host", "pid", "process_start",
                            "start_time", "end_time", "status", "error"])
        let reopened = try Registry(url: url)
        #expect(try reopened.runs().isEmpty)
    }

    @Test("a run, its metrics and its artifacts round trip; show gives the last value per metric and per epoch")
    func roundTrip() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try Registry(url: url)
        let start = Date(timeIntervalSince1970: 1_764_400_000.5)
        let run = makeRun("20251129-070640-aaaa", start: start)
        try registry.insert(run)
        try registry.insert([
            MetricRecord(run: run.id, epoch: 0, step: 1, name: "loss", value: 3.0),
            MetricRecord(run: run.id, epoch: 0, step: 2, name: "loss", value: 2.0),
            MetricRecord(run: run.id, epoch: 0, step: 2, name: "wer", value: 0.9),
            MetricRecord(run: run.id, epoch: 1, step: 3, name: "loss", value: 1.0),
            MetricRecord(run: run.id, epoch: 1, step: 3, name: "nan_metric", value: nil),
        ])
        let artifact = ArtifactRecord(run: run.id, path: "/tmp/r/model.tao", kind: "model", bytes: 42, sha256: String(repeating: "ab", count: 32))
        try registry.insert(artifact)
        try registry.insert(artifact) // recording the same path again replaces it
        try registry.updateStatus(of: run.id, to: .success, end: start.addingTimeInterval(90))

        let details = try registry.details(of: run.id)
        #expect(details.run.spec == run.spec)
        #expect(details.run.status == .success)
        #expect(details.run.start == start)
        #expect(details.run.duration() == 90)
        #expect(details.run.pid == getpid())
        #expect(details.artifacts == [artifact])
        #expect(details.latestMetrics.map(\.name) == ["loss", "nan_metric", "wer"])
        #expect(details.latestMetrics.map(\.value) == [1.0, nil, 0.9])
        #expect(details.epochMetrics.map { "\($0.epoch ?? -1) \($0.name) \($0.value ?? -1)" }
                == ["0 loss 2.0", "0 wer 0.9", "1 loss 1.0", "1 nan_metric -1.0"])
        #expect(try registry.metrics(of: run.id).count == 5)
    }

    @Test("a file that is not a database is an error naming it")
    func corruptFile() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(repeating: 0x41, count: 4096).write(to: url)
        #expect {
            try Registry(url: url)
        } throws: { error in
            guard case let RegistryError.cannotOpen(path, _) = error else { return false }
            return path == url.path
        }
    }

    @Test("list is newest first, filters by task and honours the limit")
    func listing() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try Registry(url: url)
        let base = Date(timeIntervalSince1970: 1_764_400_000)
        try registry.insert(makeRun("a", task: "n_gram", start: base))
        try registry.insert(makeRun("b", start: base.addingTimeInterval(10)))
        try registry.insert(makeRun("c", task: "n_gram", start: base.addingTimeInterval(20)))
        #expect(try registry.runs().map(\.id) == ["c", "b", "a"])
        #expect(try registry.runs(task: "n_gram").map(\.id) == ["c", "a"])
        #expect(try registry.runs(limit: 1).map(\.id) == ["c"])
    }

    @Test("a row with a status this tao does not know, or a start that is not a date, is listed with the rest")
    func oddRows() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try Registry(url: url)
        let base = Date(timeIntervalSince1970: 1_764_400_000)
        for id in ["a", "b", "c"] { try registry.insert(makeRun(id, start: base, status: .success)) }
        try registry.pool.write { db in
            try db.execute(sql: "UPDATE runs SET status = 'PAUSED' WHERE id = 'a'")
            try db.execute(sql: "UPDATE runs SET start_time = 'garbage' WHERE id = 'b'")
        }
        let runs = try Registry(url: url, readOnly: true).runs()
        #expect(runs.map(\.id).sorted() == ["a", "b", "c"])
        #expect(runs.first { $0.id == "a" }?.status == .unknown)
        #expect(runs.first { $0.id == "b" }?.start == .distantPast)
    }

    @Test("an unknown id is an error naming it; a unique prefix finds the run; an ambiguous one lists matches")
    func idResolution() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try Registry(url: url)
        let base = Date(timeIntervalSince1970: 1_764_400_000)
        try registry.insert(makeRun("20251129-070640-aaaa", start: base))
        try registry.insert(makeRun("20251129-070640-abbb", start: base))
        #expect(try registry.run(id: "20251129-070640-aa").id == "20251129-070640-aaaa")
        #expect(throws: RegistryError.unknownRun(id: "nope", path: url.path)) { try registry.details(of: "nope") }
        #expect(throws: RegistryError.unknownRun(id: "2025_%", path: url.path)) { try registry.run(id: "2025_%") }
        // An id far longer than any run's is unknown, not an SQLite "pattern too complex" error.
        #expect(throws: RegistryError.unknownRun(id: String(repeating: "a", count: 40) + "...", path: url.path)) {
            try registry.run(id: String(repeating: "a", count: 100_000))
        }
        #expect(throws: RegistryError.ambiguousRun(prefix: "20251129-070640-a",
                                                   matches: ["20251129-070640-aaaa", "20251129-070640-abbb"])) {
            try registry.run(id: "20251129-070640-a")
        }
        let message = RegistryError.unknownRun(id: "nope", path: "/x/registry.sqlite").description
        #expect(message.contains("'nope'") && message.contains("tao runs list"))
    }

    @Test("a RUNNING run whose process is gone, or whose pid was reused, shows as INTERRUPTED")
    func interruptedDetection() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try Registry(url: url)
        let now = Date()
        let me = ProcessIdentity.current()
        let host = me.host
        try registry.insert(makeRun("dead", start: now, status: .running,
                                    process: ProcessIdentity(host: host, pid: 2_147_483_000, startTicks: 12)))
        try registry.insert(makeRun("reused", start: now, status: .started,
                                    process: ProcessIdentity(host: host, pid: me.pid, startTicks: (me.startTicks ?? 0) + 1)))
        try registry.insert(makeRun("alive", start: now, status: .running, process: me))
        try registry.insert(makeRun("elsewhere", start: now, status: .running,
                                    process: ProcessIdentity(host: host + "-other", pid: 2_147_483_000, startTicks: nil)))
        try registry.insert(makeRun("finished", start: now, status: .failure,
                                    process: ProcessIdentity(host: host, pid: 2_147_483_000, startTicks: nil)))
        let shown = Dictionary(uniqueKeysWithValues: try registry.runs().map { ($0.id, $0.displayStatus()) })
        #expect(shown == ["dead": .interrupted, "reused": .interrupted, "alive": .running,
                          "elsewhere": .running, "finished": .failure])
        #expect(me.startTicks != nil, "/proc/self/stat gives the process start time on Linux")
    }

    @Test("four independent connections writing at once lose no row")
    func concurrentWriters() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let writers = 4, batches = 40, rowsPerBatch = 25
        let registries = try (0 ..< writers).map { _ in try Registry(url: url) }
        let start = Date()
        for (index, registry) in registries.enumerated() { try registry.insert(makeRun("run\(index)", start: start)) }

        let failures = LockedList()
        let group = DispatchGroup()
        for (index, registry) in registries.enumerated() {
            group.enter()
            Thread {
                defer { group.leave() }
                for batch in 0 ..< batches {
                    let rows = (0 ..< rowsPerBatch).map {
                        MetricRecord(run: "run\(index)", epoch: batch, step: batch * rowsPerBatch + $0, name: "loss", value: Double($0))
                    }
                    do { try registry.insert(rows) } catch { failures.append("\(error)") }
                }
                do { try registry.updateStatus(of: "run\(index)", to: .success, end: Date()) } catch { failures.append("\(error)") }
            }.start()
        }
        group.wait()
        #expect(failures.items.isEmpty)
        let counts = try registries[0].pool.read { db in
            try Row.fetchAll(db, sql: "SELECT run, COUNT(*) AS n FROM metrics GROUP BY run ORDER BY run").map { $0["n"] as Int }
        }
        #expect(counts == Array(repeating: batches * rowsPerBatch, count: writers))
        #expect(try registries[1].runs().allSatisfy { $0.status == .success })
    }

    @Test("TAO_HOME names the registry folder, which is created; without it, ~/.tao")
    func defaultLocation() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let home = directory.appendingPathComponent("home/nested")
        let url = try Registry.defaultURL(environment: ["TAO_HOME": home.path])
        #expect(url.path == home.appendingPathComponent("registry.sqlite").path)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: home.path, isDirectory: &isDirectory) && isDirectory.boolValue)
        let fallback = try Registry.defaultURL(environment: ["HOME": directory.path])
        #expect(fallback.path == directory.appendingPathComponent(".tao/registry.sqlite").path)
    }

    @Test("run ids are short, start with the UTC time and differ within one second")
    func runIDs() {
        let date = Date(timeIntervalSince1970: 1_764_400_000)
        let ids = (0 ..< 20).map { _ in RunID.make(at: date) }
        #expect(ids.allSatisfy { $0.hasPrefix("20251129-070640-") && $0.count == 20 })
        #expect(Set(ids).count > 1)
        #expect(RunID.make(at: date) < RunID.make(at: date.addingTimeInterval(1)))
    }

    @Test("compare puts the last value of each metric, and each epoch's, side by side")
    func comparison() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try Registry(url: url)
        let now = Date()
        try registry.insert(makeRun("one", start: now))
        try registry.insert(makeRun("two", start: now))
        try registry.insert([
            MetricRecord(run: "one", epoch: 0, step: 1, name: "loss", value: 2),
            MetricRecord(run: "one", epoch: 1, step: 2, name: "loss", value: 1),
            MetricRecord(run: "one", epoch: 1, step: 2, name: "wer", value: 0.5),
        ])
        try registry.insert([
            MetricRecord(run: "two", epoch: 0, step: 1, name: "loss", value: 3),
            MetricRecord(run: "two", epoch: 0, step: 1, name: "accuracy", value: 0.7),
        ])
        let comparison = try registry.compare("one", "two")
        #expect(comparison.latest == [
            .init(epoch: nil, name: "accuracy", first: nil, second: 0.7),
            .init(epoch: nil, name: "loss", first: 1, second: 3),
            .init(epoch: nil, name: "wer", first: 0.5, second: nil),
        ])
        #expect(comparison.perEpoch.map { "\($0.epoch ?? -1) \($0.name)" } == ["0 accuracy", "0 loss", "1 loss", "1 wer"])
        #expect(comparison.perEpoch[1] == .init(epoch: 0, name: "loss", first: 2, second: 3))
        #expect(throws: RegistryError.self) { try registry.compare("one", "three") }
    }
}

/// Strings appended from several threads.
private final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func append(_ item: String) { lock.withLock { storage.append(item) } }
    var items: [String] { lock.withLock { storage } }
}
