import Foundation
import Testing

@Test("tao --help lists every task and the runs and serve commands")
func rootHelpListsTasks() throws {
    let result = try TAOProcess.run(["--help"])
    #expect(result.status == 0)
    for name in ["speech_to_text", "speech_to_text_citrinet", "n_gram", "text_classification", "token_classification",
                 "intent_slot_classification", "punctuation_and_capitalization", "runs", "serve"] {
        #expect(result.stdout.contains(name), "missing \(name)")
    }
}

@Test("tao <task> --help lists the task's subtasks, create_tokenizer only for citrinet")
func taskHelpListsSubtasks() throws {
    let speech = try TAOProcess.run(["speech_to_text", "--help"])
    #expect(speech.status == 0)
    for name in ["download_specs", "dataset_convert", "train", "finetune", "evaluate", "infer", "export"] {
        #expect(speech.stdout.contains(name), "missing \(name)")
    }
    #expect(!speech.stdout.contains("create_tokenizer"))
    #expect(try TAOProcess.run(["speech_to_text_citrinet", "--help"]).stdout.contains("create_tokenizer"))
}

@Test("an unknown task exits 2 naming the nearest task and the valid ones")
func unknownTask() throws {
    let result = try TAOProcess.run(["speech_to_txt", "train"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("did you mean speech_to_text?"))
    #expect(result.stderr.contains("n_gram"))
}

@Test("an unknown subtask exits 2 naming the nearest subtask")
func unknownSubtask() throws {
    let result = try TAOProcess.run(["n_gram", "trian"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("did you mean train?"))
}

@Test("an unknown flag exits 2 naming the nearest flag")
func unknownFlag() throws {
    let result = try TAOProcess.run(["speech_to_text", "train", "--resuls_dir", "x"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("unknown flag '--resuls_dir'"))
    #expect(result.stderr.contains("did you mean --results_dir?"))
}

@Test("a subtask checks its spec before anything else: a valid spec goes on (here to ask for -m), a bad value names its key")
func specCheckedFirst() throws {
    let results = TAOProcess.temporaryDirectory("spec-first")
    defer { try? FileManager.default.removeItem(at: results) }
    let home = TAOProcess.temporaryDirectory("home")
    defer { try? FileManager.default.removeItem(at: home) }
    let valid = try TAOProcess.run(["speech_to_text_citrinet", "export", "-r", results.path, "export_to=a.tao"],
                                   environment: ["TAO_HOME": home.path])
    #expect(valid.status == 2)
    #expect(valid.stderr.contains("-m/--model"))
    let invalid = try TAOProcess.run(["speech_to_text_citrinet", "export", "-r", results.path, "export_format=onnx"],
                                     environment: ["TAO_HOME": home.path])
    #expect(invalid.status == 2)
    #expect(invalid.stderr.contains("'export_format': 'onnx' is not one of tao"))
}

@Test("errors are one line per problem, prefixed 'error:', with no stack trace")
func errorsAreOneLine() throws {
    let result = try TAOProcess.run(["speech_to_text", "evaluate", "-r", "/tmp/unused", "trainer.max_epochs=3"])
    #expect(result.status == 2)
    let lines = result.stderr.split(separator: "\n")
    #expect(!lines.isEmpty)
    #expect(lines.allSatisfy { $0.hasPrefix("error: ") })
}

@Test("download_specs writes every default spec, and the spec with a wrong override fails naming key, value and type")
func downloadSpecsThenTrain() throws {
    let specs = TAOProcess.temporaryDirectory("specs"), results = TAOProcess.temporaryDirectory("results")
    let home = TAOProcess.temporaryDirectory("home")
    defer { for url in [specs, results, home] { try? FileManager.default.removeItem(at: url) } }
    let download = try TAOProcess.run(["speech_to_text", "download_specs", "-o", specs.path, "-r", results.path],
                                      environment: ["TAO_HOME": home.path])
    #expect(download.status == 0)
    let files = try FileManager.default.contentsOfDirectory(atPath: specs.path).sorted()
    #expect(files == ["dataset_convert.yaml", "evaluate.yaml", "export.yaml", "finetune.yaml", "infer.yaml", "train.yaml",
                     "train_jasper_10x5.yaml", "train_quartznet_5x5.yaml"])
    let train = try TAOProcess.run(["speech_to_text", "train", "-e", specs.appendingPathComponent("train.yaml").path,
                                    "-r", results.appendingPathComponent("train").path, "trainer.max_epochs=ten"],
                                   environment: ["TAO_HOME": home.path])
    #expect(train.status == 2)
    #expect(train.stderr.contains("trainer.max_epochs") && train.stderr.contains("'ten'") && train.stderr.contains("integer"))
    let typo = try TAOProcess.run(["speech_to_text", "train", "-e", specs.appendingPathComponent("train.yaml").path,
                                   "-r", results.appendingPathComponent("train").path, "model.preprocesor.features=80"],
                                  environment: ["TAO_HOME": home.path])
    #expect(typo.status == 2)
    #expect(typo.stderr.contains("model.preprocessor"))
}

@Test("tao runs list shows failed runs with their errors")
func runsListShowsFailures() throws {
    let specs = TAOProcess.temporaryDirectory("specs"), results = TAOProcess.temporaryDirectory("results")
    let home = TAOProcess.temporaryDirectory("home")
    defer { for url in [specs, results, home] { try? FileManager.default.removeItem(at: url) } }
    let environment = ["TAO_HOME": home.path]
    _ = try TAOProcess.run(["speech_to_text", "download_specs", "-o", specs.path, "-r", results.appendingPathComponent("dl").path],
                           environment: environment)
    let train = specs.appendingPathComponent("train.yaml").path
    _ = try TAOProcess.run(["speech_to_text", "train", "-e", train, "-r", results.appendingPathComponent("a").path,
                            "trainer.max_epochs=ten"], environment: environment)
    _ = try TAOProcess.run(["speech_to_text", "train", "-e", train, "-r", results.appendingPathComponent("b").path,
                            "model.preprocesor.features=80"], environment: environment)
    let list = try TAOProcess.run(["runs", "list"], environment: environment)
    #expect(list.status == 0)
    let rows = list.stdout.split(separator: "\n").filter { $0.contains("speech_to_text") }
    #expect(rows.count == 3)
    #expect(rows.filter { $0.contains("train") && $0.contains("FAILURE") }.count == 2)
    #expect(rows.contains { $0.contains("download_specs") && $0.contains("SUCCESS") })
    #expect(rows.contains { $0.contains("trainer.max_epochs=ten") })
    #expect(rows.contains { $0.contains("model.preprocesor") })
    // status.json of a failed run ends with a FAILURE line carrying the error.
    let status = try String(contentsOf: results.appendingPathComponent("a/status.json"), encoding: .utf8)
    let last = try #require(status.split(separator: "\n").last)
    #expect(last.contains("\"status\": \"FAILURE\"") || last.contains("\"status\":\"FAILURE\""))
    #expect(last.contains("trainer.max_epochs"))
}

@Test("two processes writing the registry at once lose no run")
func concurrentProcessesLoseNothing() throws {
    let home = TAOProcess.temporaryDirectory("home"), results = TAOProcess.temporaryDirectory("results")
    defer { for url in [home, results] { try? FileManager.default.removeItem(at: url) } }
    let environment = ProcessInfo.processInfo.environment.merging(["TAO_HOME": home.path]) { $1 }
    // Six runs start at once on a new registry (so they race to create it), then two shell loops each start
    // ten tao runs back to back, at the same time.
    let burst = (0..<6).map { worker -> Process in
        let process = Process()
        process.executableURL = TAOProcess.executable
        process.arguments = ["speech_to_text_citrinet", "export", "-r", results.appendingPathComponent("burst\(worker)").path,
                             "export_to=b\(worker).tao"]
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        return process
    }
    for process in burst { try process.run() }
    for process in burst { process.waitUntilExit() }
    let loops = (0..<2).map { worker -> Process in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", """
            for i in 0 1 2 3 4 5 6 7 8 9; do
              "$0" speech_to_text_citrinet export -r "$1/w\(worker)-$i" export_to=w$i.tao 2>/dev/null
            done
            """, TAOProcess.executable.path, results.path]
        process.environment = environment
        return process
    }
    for loop in loops { try loop.run() }
    for loop in loops { loop.waitUntilExit() }
    let list = try TAOProcess.run(["runs", "list", "--limit", "100"], environment: ["TAO_HOME": home.path])
    let rows = list.stdout.split(separator: "\n").filter { $0.contains("speech_to_text_citrinet") }
    #expect(rows.count == 26)
    #expect(rows.allSatisfy { $0.contains("FAILURE") && $0.contains("-m/--model") })
}

@Test("the committed specs/ folder is what download_specs writes today (run 'make specs' after changing a default)")
func committedSpecsAreCurrent() throws {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let fresh = TAOProcess.temporaryDirectory("fresh-specs")
    defer { try? FileManager.default.removeItem(at: fresh) }
    for task in ["speech_to_text", "speech_to_text_citrinet", "n_gram", "text_classification", "token_classification",
                 "intent_slot_classification", "punctuation_and_capitalization"] {
        let output = fresh.appendingPathComponent(task)
        #expect(try TAOProcess.run([task, "download_specs", "-o", output.path]).status == 0)
        let committed = repository.appendingPathComponent("specs/\(task)")
        let names = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: committed.path).sorted() == names, "\(task)")
        for name in names {
            let expected = try String(contentsOf: output.appendingPathComponent(name), encoding: .utf8)
            let actual = try String(contentsOf: committed.appendingPathComponent(name), encoding: .utf8)
            #expect(actual == expected, "specs/\(task)/\(name) is out of date")
        }
    }
}
