import Foundation
import Testing

/// The training step `results/status.json` last reported, or nil before the first.
private func lastReportedStep(in results: URL) -> Int? {
    guard let text = try? String(contentsOf: results.appendingPathComponent("status.json"), encoding: .utf8) else { return nil }
    return text.split(separator: "\n").reversed().lazy.compactMap { line in
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["step"] as? Int
    }.first
}

/// Where a test presses Ctrl-C in a training run.
private enum StopPoint {
    /// During an epoch's steps.
    case steps
    /// During an epoch's validation, once its last step is reported.
    case validation
}

/// Runs a training command and presses Ctrl-C at `point`: once status.json reports a step that is not an epoch's last
/// (every step is reported), or that is, the process is frozen (SIGSTOP), sent SIGINT and let go. Mid-epoch, however
/// late this test looks, the run stops after the next step, before the epoch's validation; at an epoch's last step,
/// it stops in the validation that follows (or just before it).
private func trainInterrupted(_ arguments: [String], results: URL, stepsPerEpoch: Int, at point: StopPoint,
                              environment: [String: String]) throws -> TAOProcess.Result {
    try TAOProcess.run(arguments + ["-r", results.path], environment: environment) { process, _ in
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, process.isRunning {
            usleep(5_000)
            guard lastReportedStep(in: results) != nil else { continue }
            kill(process.processIdentifier, SIGSTOP)
            if let step = lastReportedStep(in: results), (step % stepsPerEpoch == 0) == (point == .validation) {
                kill(process.processIdentifier, SIGINT)
                kill(process.processIdentifier, SIGCONT)
                return
            }
            kill(process.processIdentifier, SIGCONT)
        }
        Issue.record("the run ended or timed out before it could be interrupted")
    }
}

/// Runs `train` (a training command without `-r`) once straight through and once pressing Ctrl-C at `point`, checks
/// what the stopped run left, runs it again with the same `-r`, and checks that it ends with the straight run's weights.
private func ctrlCResumes(_ train: [String], stepsPerEpoch: Int, at point: StopPoint = .steps, in folder: URL,
                          environment: [String: String]) throws {
    func run(_ results: String) throws -> TAOProcess.Result {
        try TAOProcess.run(train + ["-r", folder.appendingPathComponent(results).path], environment: environment)
    }
    let straight = try run("straight")
    #expect(straight.status == 0, "\(straight.stderr)")
    let results = folder.appendingPathComponent("stopped")
    let stopped = try trainInterrupted(train, results: results, stepsPerEpoch: stepsPerEpoch, at: point, environment: environment)
    #expect(stopped.status == 130, "\(stopped.stderr)")
    #expect(stopped.stderr.contains("Ctrl-C: stopping after this training step or validation batch and saving a checkpoint"), "\(stopped.stderr)")
    #expect(stopped.stderr.contains("error: stopped by Ctrl-C after step") && stopped.stderr.contains("run the same command again to resume"),
            "\(stopped.stderr)")
    let state = try #require(try tarMember("trainer_state.json", of: results.appendingPathComponent("checkpoints/last.tao")))
    let partial = try #require((try JSONSerialization.jsonObject(with: state) as? [String: Any])?["partial"] as? [String: Any], "no partial epoch")
    let steps = partial["steps"] as? Int ?? 0
    // Stopped in a validation, the checkpoint holds all of the epoch's steps; resumed, the run validates it again.
    #expect(point == .validation ? steps == stepsPerEpoch : steps > 0 && steps < stepsPerEpoch, "\(steps) steps of \(stepsPerEpoch)")
    #expect(!FileManager.default.fileExists(atPath: results.appendingPathComponent("trained-model.tao").path))
    let status = try String(contentsOf: results.appendingPathComponent("status.json"), encoding: .utf8)
    #expect(status.split(separator: "\n").last?.contains(#""status": "INTERRUPTED""#) == true, "\(status)")
    let runs = try TAOProcess.run(["runs", "list"], environment: environment)
    #expect(runs.stdout.contains("INTERRUPTED"), "\(runs.stdout)")

    let resumed = try run("stopped")
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stdout.contains("steps of the next"), "\(resumed.stdout)")
    let expected = try tarMember("model_weights.safetensors", of: folder.appendingPathComponent("straight/trained-model.tao"))
    let again = try tarMember("model_weights.safetensors", of: results.appendingPathComponent("trained-model.tao"))
    #expect(expected != nil && expected == again, "the resumed run's weights differ from the uninterrupted run's")
}

@Test("speech_to_text train stopped by Ctrl-C during an epoch saves a checkpoint at that step, ends INTERRUPTED with status 130, and run again resumes mid-epoch to the model an uninterrupted run makes")
func speechTrainCtrlC() throws {
    let folder = TAOProcess.temporaryDirectory("ctrlc"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let (spec, _) = try smallSetup(in: folder)
    // 4 utterances one at a time: 4 steps an epoch.
    try ctrlCResumes(["speech_to_text", "train", "-e", spec.path, "training_ds.batch_size=1", "trainer.max_epochs=6"],
                     stepsPerEpoch: 4, in: folder, environment: ["TAO_HOME": home.path])
}

@Test("text_classification train stopped by Ctrl-C during an epoch resumes mid-epoch to the model an uninterrupted run makes")
func textTrainCtrlC() throws {
    let folder = TAOProcess.temporaryDirectory("ctrlc-text"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    try "good film\t1\nbad film\t0\ngood good\t1\nbad bad film\t0\ngood\t1\nbad\t0\n"
        .write(to: folder.appendingPathComponent("train.tsv"), atomically: true, encoding: .utf8)
    try "good film\t1\nbad film\t0\n".write(to: folder.appendingPathComponent("dev.tsv"), atomically: true, encoding: .utf8)
    let vocabulary = folder.appendingPathComponent("vocab.txt")
    try writeVocabulary(["good", "bad", "film"], to: vocabulary)
    // 6 sentences, 2 a batch, in a shuffled order: 3 steps an epoch.
    let train = ["text_classification", "train", "data_dir=\(folder.path)", "trainer.max_epochs=40", "training_ds.batch_size=2",
                 "model.dataset.num_classes=2", "model.classifier_head.fc_dropout=0.0"] + tinyEncoder(vocabulary: vocabulary)
        + ["trainer.log_every_n_steps=1"]
    try ctrlCResumes(train, stepsPerEpoch: 3, in: folder, environment: ["TAO_HOME": home.path])
}

@Test("text_classification train stopped by Ctrl-C during a validation saves the epoch's steps, and run again validates that epoch and ends with the model an uninterrupted run makes")
func textValidationCtrlC() throws {
    let folder = TAOProcess.temporaryDirectory("ctrlc-val"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    try "good film\t1\nbad film\t0\ngood good\t1\nbad bad film\t0\ngood\t1\nbad\t0\n"
        .write(to: folder.appendingPathComponent("train.tsv"), atomically: true, encoding: .utf8)
    // A validation set long enough for the signal to arrive while it runs.
    try Array(repeating: "good film\t1\nbad film\t0", count: 400).joined(separator: "\n")
        .write(to: folder.appendingPathComponent("dev.tsv"), atomically: true, encoding: .utf8)
    let vocabulary = folder.appendingPathComponent("vocab.txt")
    try writeVocabulary(["good", "bad", "film"], to: vocabulary)
    let train = ["text_classification", "train", "data_dir=\(folder.path)", "trainer.max_epochs=2", "training_ds.batch_size=2",
                 "model.dataset.num_classes=2", "model.classifier_head.fc_dropout=0.0"] + tinyEncoder(vocabulary: vocabulary)
        + ["trainer.log_every_n_steps=1"]
    try ctrlCResumes(train, stepsPerEpoch: 3, at: .validation, in: folder, environment: ["TAO_HOME": home.path])
}

/// Runs an `infer` command (without `-r`) and presses Ctrl-C once its first line is printed (the signals are routed by
/// then); checks that it ends INTERRUPTED with status 130 after `total` lines at the most, and that infer.jsonl holds
/// the lines it printed.
private func inferInterrupted(_ arguments: [String], total: Int, unit: String, in folder: URL, environment: [String: String]) throws {
    let results = folder.appendingPathComponent("stopped")
    let printedLines = { (text: String) in text.split(separator: "\n").filter { $0.contains("\t") }.count }
    let stopped = try TAOProcess.run(arguments + ["-r", results.path], environment: environment) { process, stdout in
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, process.isRunning {
            usleep(5_000)
            if printedLines((try? String(contentsOf: stdout, encoding: .utf8)) ?? "") > 0 {
                kill(process.processIdentifier, SIGINT)
                return
            }
        }
        Issue.record("the run ended or timed out before it could be interrupted")
    }
    #expect(stopped.status == 130, "\(stopped.stderr)")
    #expect(stopped.stderr.contains("Ctrl-C: stopping after the \(unit) in hand"), "\(stopped.stderr)")
    let done = printedLines(stopped.stdout)
    #expect(done >= 1 && done < total, "\(stopped.stdout)")
    #expect(stopped.stderr.contains("error: stopped by Ctrl-C after \(done) of \(total) \(unit)"), "\(stopped.stderr)")
    let lines = try String(contentsOf: results.appendingPathComponent("infer.jsonl"), encoding: .utf8).split(separator: "\n")
    #expect(lines.count == done, "\(lines.count) lines in infer.jsonl")
    let status = try String(contentsOf: results.appendingPathComponent("status.json"), encoding: .utf8)
    #expect(status.split(separator: "\n").last?.contains(#""status": "INTERRUPTED""#) == true, "\(status)")
}

@Test("speech_to_text infer stopped by Ctrl-C writes the transcripts of the files done to infer.jsonl and ends INTERRUPTED with status 130")
func speechInferCtrlC() throws {
    let folder = TAOProcess.temporaryDirectory("ctrlc-infer"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let fixtures = try String(contentsOf: try writeFixtureManifest(in: folder), encoding: .utf8).split(separator: "\n")
    let manifest = folder.appendingPathComponent("many.json")
    try Array(repeating: fixtures, count: 10).joined().joined(separator: "\n").write(to: manifest, atomically: true, encoding: .utf8)
    let model = audioFixtures.deletingLastPathComponent().appendingPathComponent("models/citrinet_char/citrinet_char.tao")
    try inferInterrupted(["speech_to_text", "infer", "-m", model.path, "manifest=\(manifest.path)", "batch_size=1"],
                         total: fixtures.count * 10, unit: "files", in: folder, environment: ["TAO_HOME": home.path])
}

@Test("text_classification infer stopped by Ctrl-C writes the labels of the queries done to infer.jsonl and ends INTERRUPTED with status 130")
func textInferCtrlC() throws {
    let folder = TAOProcess.temporaryDirectory("ctrlc-text-infer"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let environment = ["TAO_HOME": home.path]
    try "good film\t1\nbad film\t0\n".write(to: folder.appendingPathComponent("train.tsv"), atomically: true, encoding: .utf8)
    try "good film\t1\nbad film\t0\n".write(to: folder.appendingPathComponent("dev.tsv"), atomically: true, encoding: .utf8)
    let vocabulary = folder.appendingPathComponent("vocab.txt")
    try writeVocabulary(["good", "bad", "film"], to: vocabulary)
    let train = try TAOProcess.run(["text_classification", "train", "-r", folder.appendingPathComponent("train").path, "data_dir=\(folder.path)",
                                    "trainer.max_epochs=1", "model.dataset.num_classes=2"] + tinyEncoder(vocabulary: vocabulary),
                                   environment: environment)
    #expect(train.status == 0, "\(train.stderr)")
    // 200 chunks of queries: far more than the tiny model labels before the signal arrives.
    let queries = folder.appendingPathComponent("queries.txt"), total = 25_600
    try Array(repeating: "good film\nbad film", count: total / 2).joined(separator: "\n").write(to: queries, atomically: true, encoding: .utf8)
    try inferInterrupted(["text_classification", "infer", "-m", folder.appendingPathComponent("train/trained-model.tao").path,
                          "input_file=\(queries.path)"], total: total, unit: "queries", in: folder, environment: environment)
}
