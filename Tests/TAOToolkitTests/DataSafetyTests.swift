import Foundation
import Testing
@testable import TAOToolkit

@Suite("Files survive interrupted runs and two runs at once")
struct DataSafetyTests {
    /// The id of a process that has ended.
    func endedProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test("an atomic write replaces a symlink's target, keeps the file's permissions, takes long names, and names the file when it fails")
    func atomicWrite() throws {
        let folder = try makeRunTestDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("model.tao"), link = folder.appendingPathComponent("link.tao")
        try AtomicFile.write(Data("old".utf8), to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: file)
        try AtomicFile.write(Data("new".utf8), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == file.path)
        #expect(try String(contentsOf: file, encoding: .utf8) == "new")
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)

        let long = folder.appendingPathComponent(String(repeating: "a", count: 250) + ".tao")
        try AtomicFile.write(Data("x".utf8), to: long)
        #expect(try String(contentsOf: long, encoding: .utf8) == "x")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [long.lastPathComponent, "link.tao", "model.tao"])

        let missing = folder.appendingPathComponent("no/such/m.tao")
        #expect(throws: TaskError.cannotWrite(path: missing.path, reason: "No such file or directory")) {
            try AtomicFile.write(Data(), to: missing)
        }
    }

    @Test("the temporary files of ended processes are removed; a running process's, and folders, are kept")
    func leftovers() throws {
        let folder = try makeRunTestDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let ended = try endedProcessID(), me = getpid()
        for name in [".m.tao.\(ended).12.tmp", ".m.tao.\(me).34.tmp", "keep.tmp", ".m.tao.x.56.tmp"] {
            try Data().write(to: folder.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".tok.\(ended).78.tmp"), withIntermediateDirectories: false)
        AtomicFile.removeLeftovers(in: folder)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
                == [".m.tao.\(me).34.tmp", ".m.tao.x.56.tmp", ".tok.\(ended).78.tmp", "keep.tmp"])

        #expect(TemporaryFiles.ownerProcess("tao-ngram-123-\(UUID().uuidString)") == 123)
        #expect(TemporaryFiles.ownerProcess("tao-weights-45-\(UUID().uuidString).safetensors") == 45)
        #expect(TemporaryFiles.ownerProcess("tao-run-\(UUID().uuidString)") == nil)
        let dead = FileManager.default.temporaryDirectory.appendingPathComponent("tao-test-\(ended)-\(UUID().uuidString).bin")
        let alive = TemporaryFiles.url("test", extension: "bin")
        for url in [dead, alive] { try Data().write(to: url) }
        defer { try? FileManager.default.removeItem(at: alive) }
        TemporaryFiles.removeLeftovers()
        #expect(!FileManager.default.fileExists(atPath: dead.path))
        #expect(FileManager.default.fileExists(atPath: alive.path))
    }

    @Test("a results folder is one run's at a time: another run there is refused, naming the folder and the process")
    func oneRunPerFolder() throws {
        let folder = try makeRunTestDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        func begin() throws -> RunRecorder {
            try RunRecorder.begin(task: "n_gram", subtask: "train", specYAML: "", resultsDir: folder, registry: nil, console: nil)
        }
        do {
            let first = try begin()
            #expect(throws: RunRecordError.folderInUse(path: folder.standardizedFileURL.path, process: "process \(getpid())")) { _ = try begin() }
            try first.succeed("done")
        }
        // Once the first run has ended, the folder is free again.
        let next = try begin()
        try next.succeed("done")
    }

    @Test("a checkpoint's counts must be ones a run could have reached before a run resumes from them")
    func implausibleCheckpoint() {
        #expect(TrainingCheckpoint(epochs: -1, step: 0, items: 0).implausibility?.contains("must each be between 0 and") == true)
        #expect(TrainingCheckpoint(epochs: 1, step: 4, items: 1 << 60).implausibility != nil)
        #expect(TrainingCheckpoint(epochs: 1, step: 10, items: 3).implausibility == "step 10 is more than the 3 items seen (a step takes at least one)")
        #expect(TrainingCheckpoint(epochs: 2, step: 10, items: 40, best: .init(epoch: 3, value: 1)).implausibility != nil)
        #expect(TrainingCheckpoint(epochs: 2, step: 10, items: 40, best: .init(epoch: 2, value: 1)).implausibility == nil)
        // A run stopped inside an epoch: the steps it took of it are some of the run's.
        let inside = TrainingCheckpoint.PartialEpoch(steps: 3, lossSum: 12.5, unaligned: 1)
        #expect(TrainingCheckpoint(epochs: 2, step: 10, items: 40, partial: inside).implausibility == nil)
        #expect(TrainingCheckpoint(epochs: 0, step: 2, items: 40, partial: inside).implausibility?.contains("do not fit the 2 steps") == true)
        #expect(TrainingCheckpoint(epochs: 2, step: 10, items: 40, partial: .init(steps: 3, lossSum: 1, unaligned: -1)).implausibility != nil)
    }

    @Test("conversions into their own source folder skip the task data files an earlier run wrote there")
    func taskDataFiles() {
        for name in ["text_train.txt", "labels_dev.txt", "text_test.txt", "train.tsv", "punct_label_ids.csv", "dict.intents.csv"] {
            #expect(TextTask.isTaskDataFile(name), "\(name)")
        }
        for name in ["emma.txt", "test_northangerabbey.txt", "text_notes.txt", "train.txt", "labels.csv"] {
            #expect(!TextTask.isTaskDataFile(name), "\(name)")
        }
    }
}
