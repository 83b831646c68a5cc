import Crypto
import Foundation
import GRDB
import Testing
@testable import TAOToolkit

@Suite("Run records")
struct RunRecorderTests {
    @Test("status.json lines follow TAO: date M/D/YYYY, time H:MM:SS, status, message, training fields")
    func statusLineFormat() {
        let utc = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: 1_764_400_000) // 2025-11-29 07:06:40 UTC
        #expect(StatusFile.line(status: .started, message: "Starting \"train\"", date: date, timeZone: utc)
                == #"{"date": "11/29/2025", "time": "7:06:40", "status": "STARTED", "message": "Starting \"train\""}"#)
        let report = ProgressReport(epoch: 2, step: 150, totalSteps: 300, loss: 0.5, metrics: ["wer": 0.25, "acc": .nan],
                                    learningRate: 0.001, date: date)
        #expect(StatusFile.line(status: .running, message: "m", report: report, date: date, timeZone: utc)
                == #"{"date": "11/29/2025", "time": "7:06:40", "status": "RUNNING", "message": "m", "epoch": 2, "step": 150, "#
                + #""total_steps": 300, "loss": 0.5, "lr": 0.001, "metrics": {"acc": null, "wer": 0.25}}"#)
        let march = Date(timeIntervalSince1970: 1_741_338_000 + 86400 * 0) // 2025-03-07 09:00:00 UTC
        #expect(StatusFile.line(status: .failure, message: "a\nb", date: march, timeZone: utc)
                == #"{"date": "3/7/2025", "time": "9:00:00", "status": "FAILURE", "message": "a\nb"}"#)
    }

    @Test("a run writes status.json, its log, an event file and the registry; artifacts carry their SHA-256")
    func fullRun() throws {
        let directory = try makeRunTestDirectory("tao-run")
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try Registry(url: directory.appendingPathComponent("registry.sqlite"))
        let results = directory.appendingPathComponent("results/train")
        let recorder = try RunRecorder.begin(task: "speech_to_text", subtask: "train", specYAML: "save_to: m.tao\n",
                                             resultsDir: results, registry: registry, console: nil)
        try recorder.progress(epoch: 0, step: 1, totalSteps: 2, loss: 2.0, metrics: ["wer": 0.9], learningRate: 0.01)
        try recorder.progress(epoch: 1, step: 2, totalSteps: 2, loss: 1.0, metrics: ["wer": 0.6], learningRate: 0.005)
        recorder.log("checkpoint saved")
        let model = results.appendingPathComponent("m.tao")
        try Data("weights".utf8).write(to: model)
        let artifact = try recorder.recordArtifact(model, kind: "model")
        try recorder.succeed("Training finished")

        let lines = try String(contentsOf: results.appendingPathComponent("status.json"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        let statuses = try lines.map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return object["status"] as? String
        }
        #expect(statuses == ["STARTED", "RUNNING", "RUNNING", "SUCCESS"])
        #expect(lines[2].contains(#""loss": 1.0, "lr": 0.005, "metrics": {"wer": 0.6}"#))

        let log = try String(contentsOf: results.appendingPathComponent("train.log"), encoding: .utf8)
        #expect(log.contains("INFO checkpoint saved") && log.contains(recorder.id))
        #expect(log.split(separator: "\n").allSatisfy { $0.hasPrefix("[20") })

        let expectedDigest = SHA256.hash(data: Data("weights".utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(artifact.sha256 == expectedDigest && artifact.bytes == 7)

        let details = try registry.details(of: recorder.id)
        #expect(details.run.status == .success && details.run.end != nil && details.run.error == nil)
        #expect(details.run.resultsDir == results.standardizedFileURL.path)
        #expect(details.latestMetrics.map { "\($0.name)=\($0.value ?? -1)" } == ["learning_rate=0.005", "loss=1.0", "wer=0.6"])
        #expect(details.artifacts == [artifact])
        let events = try FileManager.default.contentsOfDirectory(atPath: results.path).filter { $0.hasPrefix("events.out.tfevents.") }
        #expect(events.count == 1)
    }

    @Test("a failed run ends with a FAILURE line and its error in the registry")
    func failedRun() throws {
        let directory = try makeRunTestDirectory("tao-run")
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try Registry(url: directory.appendingPathComponent("registry.sqlite"))
        let recorder = try RunRecorder.begin(task: "n_gram", subtask: "train", specYAML: "", resultsDir: directory.appendingPathComponent("r"),
                                             registry: registry, console: nil)
        recorder.fail("'trainer.max_epochs': 'ten' is not an integer")
        recorder.fail("a second call changes nothing")
        let lines = try String(contentsOf: recorder.statusFile.url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[1].contains(#""status": "FAILURE", "message": "'trainer.max_epochs': 'ten' is not an integer""#))
        let run = try registry.run(id: recorder.id)
        #expect(run.status == .failure && run.error == "'trainer.max_epochs': 'ten' is not an integer")
        #expect(run.displayStatus() == .failure)
    }

    @Test("a results folder that cannot be created is an error naming its path")
    func unwritableResults() throws {
        let directory = try makeRunTestDirectory("tao-run")
        defer { try? FileManager.default.removeItem(at: directory) }
        let blocker = directory.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let results = blocker.appendingPathComponent("results")
        #expect {
            try RunRecorder.begin(task: "t", subtask: "train", specYAML: "", resultsDir: results, registry: nil, console: nil)
        } throws: { error in
            guard case let RunRecordError.cannotWrite(path, _) = error else { return false }
            return path == results.path && "\(error)".hasPrefix(results.path)
        }
    }

    @Test("a registry that cannot be opened: the run goes on and the log says why")
    func unopenableRegistry() throws {
        let directory = try makeRunTestDirectory("tao-run")
        defer { try? FileManager.default.removeItem(at: directory) }
        let notADatabase = directory.appendingPathComponent("registry.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: notADatabase)
        let recorder = try RunRecorder.begin(task: "t", subtask: "evaluate", specYAML: "", resultsDir: directory.appendingPathComponent("r"),
                                             registry: Registry(url: notADatabase), console: nil)
        #expect(recorder.registry == nil)
        try recorder.succeed("done")
        let log = try String(contentsOf: recorder.log.url, encoding: .utf8)
        #expect(log.contains("WARNING warning: run registry not updated") && log.contains(notADatabase.path))
    }

    @Test("a registry that cannot be written: the run goes on and the log warns once")
    func brokenRegistry() throws {
        let directory = try makeRunTestDirectory("tao-run")
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try Registry(url: directory.appendingPathComponent("registry.sqlite"))
        try registry.pool.write { db in try db.execute(sql: "DROP TABLE metrics; DROP TABLE artifacts; DROP TABLE runs") }
        var console: [String] = []
        let bar = ProgressBar(isTerminal: false) { console.append($0) }
        let recorder = try RunRecorder.begin(task: "t", subtask: "train", specYAML: "", resultsDir: directory.appendingPathComponent("r"),
                                             registry: registry, console: bar)
        #expect(recorder.registry == nil)
        try recorder.progress(step: 1, loss: 1)
        try recorder.succeed("done")
        let log = try String(contentsOf: recorder.log.url, encoding: .utf8)
        #expect(log.components(separatedBy: "WARNING").count == 2)
        #expect(console.first?.hasPrefix("warning: run registry not updated") == true)
        #expect(try String(contentsOf: recorder.statusFile.url, encoding: .utf8).contains("SUCCESS"))
    }

    @Test("metrics a failed registry write could not record are held, and written by the end of the run")
    func heldMetrics() throws {
        let directory = try makeRunTestDirectory("tao-run")
        defer { try? FileManager.default.removeItem(at: directory) }
        let registry = try Registry(url: directory.appendingPathComponent("registry.sqlite"))
        let recorder = try RunRecorder.begin(task: "t", subtask: "train", specYAML: "", resultsDir: directory.appendingPathComponent("r"),
                                             registry: registry, console: nil)
        try registry.pool.write { db in try db.execute(sql: "ALTER TABLE metrics RENAME TO metrics_away") }
        try recorder.progress(step: 1, loss: 3)
        try registry.pool.write { db in try db.execute(sql: "ALTER TABLE metrics_away RENAME TO metrics") }
        try recorder.progress(step: 2, loss: 2)  // within a minute of the failure: held, not tried
        #expect(try registry.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM metrics") } == 0)
        try recorder.succeed("done")
        let steps = try registry.pool.read { db in try Int.fetchAll(db, sql: "SELECT DISTINCT step FROM metrics ORDER BY step") }
        #expect(steps == [1, 2])
        #expect(try registry.details(of: recorder.id).run.status == .success)
        let log = try String(contentsOf: recorder.log.url, encoding: .utf8)
        #expect(log.components(separatedBy: "run registry not updated").count == 2 && log.contains("takes writes again"), "\(log)")
    }
}
