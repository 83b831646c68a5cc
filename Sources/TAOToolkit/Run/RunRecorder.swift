import Crypto
import Foundation

/// The record of one subtask execution: its id, `status.json`, `<subtask>.log`, its artifacts and its row in the
/// registry, with every progress report fanned out to the metrics sinks (terminal, status file, registry,
/// TensorBoard). A recorder belongs to one job and is used from that job's thread.
///
/// The results folder is the record of truth: failing to write it is an error. The registry is a convenience:
/// when it cannot be opened or written the run goes on, with one warning in the log.
public final class RunRecorder {
    public let id: String
    public let task: String
    public let subtask: String
    /// Absolute results folder (`-r`).
    public let resultsDir: URL
    public let statusFile: StatusFile
    public let log: RunLog
    /// The registry the run is recorded in, nil when it has none (or it could not be written at the start).
    public let registry: Registry?
    /// Where progress goes, in order.
    public private(set) var sinks: [any MetricsSink]
    /// The terminal view, when there is one.
    public let console: ProgressBar?
    /// The event file writer, when TensorBoard output is on.
    public let tensorBoard: TensorBoardWriter?
    /// Set once `succeed`, `fail` or `interrupt` ran.
    public private(set) var outcome: RunOutcome?
    /// Asks a training run to stop after its current step (Ctrl-C, SIGTERM, or a caller).
    public let stop = StopRequest()
    /// The results folder is this run's while the recorder lives.
    private let folderLock: ResultsFolderLock

    private init(
        id: String, task: String, subtask: String, resultsDir: URL, folderLock: ResultsFolderLock, statusFile: StatusFile,
        log: RunLog, registry: Registry?, console: ProgressBar?, tensorBoard: TensorBoardWriter?
    ) {
        self.id = id
        self.folderLock = folderLock
        self.task = task
        self.subtask = subtask
        self.resultsDir = resultsDir
        self.statusFile = statusFile
        self.log = log
        self.registry = registry
        self.console = console
        self.tensorBoard = tensorBoard
        sinks = [statusFile]
        if let console { sinks.append(console) }
        if let tensorBoard { sinks.append(tensorBoard) }
    }

    /// Starts a run: creates `resultsDir`, assigns the id, writes the STARTED line of `status.json`, opens
    /// `<subtask>.log` and inserts the run in `registry`. The folder stays the run's while the recorder lives (another
    /// tao process gets `RunRecordError.folderInUse`).
    /// - Parameters:
    ///   - registry: evaluated once the results folder exists; when it throws (e.g. `Registry.openDefault()` on
    ///     an unwritable TAO_HOME) or the insert fails, the run goes on without a registry and the log warns once.
    ///   - console: the terminal view (default: standard output); nil for none.
    ///   - tensorBoard: whether to write an event file into `resultsDir` when scalars arrive.
    /// - Throws: `RunRecordError.cannotWrite` naming the path when the results folder cannot be written.
    public static func begin(
        task: String, subtask: String, specYAML: String, resultsDir: URL, registry: @autoclosure () throws -> Registry?,
        console: ProgressBar? = ProgressBar.standardOutput(), tensorBoard: Bool = true, date: Date = Date()
    ) throws -> RunRecorder {
        let resultsDir = resultsDir.standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: resultsDir, withIntermediateDirectories: true)
        } catch {
            throw RunRecordError.cannotWrite(path: resultsDir.path, reason: error.localizedDescription)
        }
        let folderLock = try ResultsFolderLock(folder: resultsDir)
        // What killed runs left: half-written files here, temporary files of ended processes.
        AtomicFile.removeLeftovers(in: resultsDir)
        AtomicFile.removeLeftovers(in: resultsDir.appendingPathComponent("checkpoints"))
        TemporaryFiles.removeLeftovers()
        let statusFile = try StatusFile(url: resultsDir.appendingPathComponent("status.json"))
        let log = try RunLog(url: resultsDir.appendingPathComponent("\(subtask).log"))
        var warning: String?
        var id = RunID.make(at: date)
        var registered: Registry?
        do {
            if let registry = try registry() {
                id = try insertRun(id: id, task: task, subtask: subtask, spec: specYAML, resultsDir: resultsDir, date: date, into: registry)
                registered = registry
            }
        } catch {
            warning = "warning: run registry not updated, the run goes on without it: \(error)"
        }
        let recorder = RunRecorder(
            id: id, task: task, subtask: subtask, resultsDir: resultsDir, folderLock: folderLock, statusFile: statusFile, log: log,
            registry: registered, console: console,
            tensorBoard: tensorBoard ? TensorBoardWriter(directory: resultsDir) : nil
        )
        if let registered {
            recorder.sinks.append(RegistrySink(registry: registered, runID: id) { [weak recorder] in recorder?.warn($0) })
        }
        do {
            try statusFile.append(status: .started, message: "Starting \(task) \(subtask) (run \(id))", date: date)
            try log.write("run \(id): \(task) \(subtask), results in \(resultsDir.path)", date: date)
        } catch {
            // The registry already has the run: end it there too, or it would later show as interrupted.
            try? registered?.updateStatus(of: id, to: .failure, end: Date(), error: "\(error)")
            throw error
        }
        if let warning { recorder.warn(warning) }
        return recorder
    }

    /// Inserts the run, drawing a new id in the rare case the first one is taken; returns the id used.
    private static func insertRun(
        id: String, task: String, subtask: String, spec: String, resultsDir: URL, date: Date, into registry: Registry
    ) throws -> String {
        var id = id
        for attempt in 0 ..< 5 {
            let record = RunRecord(
                id: id, task: task, subtask: subtask, spec: spec, resultsDir: resultsDir.path,
                process: .current(), start: date
            )
            do {
                try registry.insert(record)
                return id
            } catch RegistryError.databaseFailure where attempt < 4 && (try? registry.run(id: id)) != nil {
                id = RunID.make(at: date)
            }
        }
        return id
    }

    /// Adds a sink that receives every later progress report and the run's end.
    public func add(_ sink: any MetricsSink) {
        sinks.append(sink)
    }

    /// Appends a line to the log; with `echo`, shows it on the terminal too (above the progress bar).
    public func log(_ message: String, echo: Bool = false) {
        try? log.write(message)
        if echo { console?.note(message) }
    }

    /// A warning: into the log, and above the progress bar.
    public func warn(_ message: String) {
        try? log.write(message, level: "WARNING")
        console?.note(message)
    }

    /// Reports progress to every sink: a RUNNING line in `status.json`, metric rows in the registry, scalars in
    /// TensorBoard, the terminal view. `epoch` 0-based; `step` global; `items` counts items done so far.
    /// - Throws: `RunRecordError` when the results folder cannot be written (registry failures only warn).
    public func progress(
        epoch: Int? = nil, step: Int, totalSteps: Int? = nil, loss: Double? = nil, metrics: [String: Double] = [:],
        learningRate: Double? = nil, items: Int? = nil
    ) throws {
        let report = ProgressReport(
            epoch: epoch, step: step, totalSteps: totalSteps, loss: loss, metrics: metrics,
            learningRate: learningRate, items: items
        )
        for sink in sinks { try sink.record(report) }
    }

    /// Records a file the run produced: its size and SHA-256, in the log and the registry.
    @discardableResult
    public func recordArtifact(_ url: URL, kind: String) throws -> ArtifactRecord {
        let url = url.standardizedFileURL
        let (bytes, digest) = try Self.sizeAndDigest(of: url)
        let artifact = ArtifactRecord(run: id, path: url.path, kind: kind, bytes: bytes, sha256: digest)
        log("artifact \(kind): \(url.path) (\(bytes) bytes, sha256 \(digest))")
        if let registry {
            do { try registry.insert(artifact) } catch { warn("warning: artifact not recorded in the run registry: \(error)") }
        }
        return artifact
    }

    /// Ends the run as SUCCESS.
    /// - Throws: `RunRecordError` when the final status line cannot be written.
    public func succeed(_ message: String) throws {
        try finish(RunOutcome(status: .success, message: message))
    }

    /// Ends the run as FAILURE with `message` (the error). Never throws: it runs on error paths, where the
    /// original error matters more than a failure to record it.
    public func fail(_ message: String) {
        try? finish(RunOutcome(status: .failure, message: message))
    }

    /// Ends the run as INTERRUPTED with `message` (where its checkpoint is); never throws, like `fail`.
    public func interrupt(_ message: String) {
        try? finish(RunOutcome(status: .interrupted, message: message))
    }

    private func finish(_ outcome: RunOutcome) throws {
        guard self.outcome == nil else { return }
        self.outcome = outcome
        try? log.write(outcome.message, level: outcome.status == .success ? "INFO" : outcome.status == .interrupted ? "WARNING" : "ERROR", date: outcome.date)
        var firstError: (any Error)?
        for sink in sinks {
            do { try sink.finish(outcome) } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }

    /// Size in bytes and lowercase hex SHA-256 of a file, read in 1 MiB chunks.
    static func sizeAndDigest(of url: URL) throws -> (Int64, String) {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw RunRecordError.cannotReadArtifact(path: url.path, reason: "no such file, or not readable")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes: Int64 = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                bytes += Int64(chunk.count)
            }
        } catch {
            throw RunRecordError.cannotReadArtifact(path: url.path, reason: error.localizedDescription)
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return (bytes, digest)
    }
}
