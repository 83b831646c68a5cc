import Foundation

/// Writes scalar curves as a TensorBoard event file, `events.out.tfevents.<unix time>.<host>` in `directory`,
/// so `tensorboard --logdir <results>` shows them. The file is created at the first scalars, so a job that
/// reports none leaves no empty event file; each record goes to disk as it is written.
public final class TensorBoardWriter: MetricsSink {
    public let directory: URL
    private let host: String
    private var handle: FileHandle?
    /// The event file, once created.
    public private(set) var fileURL: URL?

    public init(directory: URL, host: String = ProcessIdentity.currentHost()) {
        self.directory = directory
        self.host = host
    }

    deinit { try? handle?.close() }

    /// Appends scalars at `step`; `wallTime` in seconds since 1970. Names become TensorBoard tags.
    public func add(_ scalars: [(tag: String, value: Float)], step: Int64, wallTime: Double) throws {
        guard !scalars.isEmpty else { return }
        let handle = try openIfNeeded(wallTime: wallTime)
        try append(TensorBoardEvent.scalars(scalars, step: step, wallTime: wallTime), to: handle)
    }

    public func record(_ report: ProgressReport) throws {
        let scalars = report.scalars.map { (tag: $0.name, value: Float($0.value)) }
        try add(scalars, step: Int64(report.step), wallTime: report.date.timeIntervalSince1970)
    }

    public func finish(_ outcome: RunOutcome) throws {
        try handle?.close()
        handle = nil
    }

    private func openIfNeeded(wallTime: Double) throws -> FileHandle {
        if let handle { return handle }
        let stem = "events.out.tfevents.\(Int64(wallTime)).\(host)"
        var url = directory.appendingPathComponent(stem)
        var suffix = 1
        while FileManager.default.fileExists(atPath: url.path) {
            url = directory.appendingPathComponent("\(stem).\(suffix)")
            suffix += 1
        }
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: url.path) else {
            throw RunRecordError.cannotWrite(path: url.path, reason: "cannot create the TensorBoard event file")
        }
        self.handle = handle
        fileURL = url
        try append(TensorBoardEvent.header(wallTime: wallTime), to: handle)
        return handle
    }

    private func append(_ event: [UInt8], to handle: FileHandle) throws {
        do {
            try handle.write(contentsOf: TFRecord.frame(event))
        } catch {
            throw RunRecordError.cannotWrite(path: fileURL?.path ?? directory.path, reason: error.localizedDescription)
        }
    }
}
