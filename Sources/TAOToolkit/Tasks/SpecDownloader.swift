import Foundation

/// `download_specs`: writes every default spec of a task, commented, to a folder.
public enum SpecDownloader {
    /// Writes `<subtask>.yaml` for each subtask of `task` and the train specs of its other architectures into
    /// `directory`; returns the files written. A spec already there that differs from the default (one the user has
    /// edited) is kept, and passed to `kept`.
    @discardableResult
    public static func write(_ task: TaskName, to directory: URL, kept: (URL) -> Void = { _ in }) throws -> [URL] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TaskError.cannotWrite(path: directory.path, reason: "cannot create the folder")
        }
        var specs: [(fileName: String, subtask: Subtask, title: String, schema: SpecSection)] = task.subtasks.compactMap { subtask in
            DefaultSpecs.schema(task, subtask).map { (DefaultSpecs.fileName(subtask), subtask, "the default spec", $0) }
        }
        specs += DefaultSpecs.architectures(task).map { ($0.fileName, .train, "\($0.description) instead of the default network", $0.schema) }
        var written: [URL] = []
        for spec in specs {
            let header = [
                "tao \(task.rawValue) \(spec.subtask.rawValue): \(spec.title), every key with its default.",
                "Run: tao \(task.rawValue) \(spec.subtask.rawValue) -e \(spec.fileName) -r RESULTS_DIR [key.path=value ...]",
                "??? marks a value you must give; null means none.",
            ]
            let yaml = ResolvedSpec(unchecked: spec.schema.defaultValue, schema: spec.schema).yaml(header: header)
            let file = directory.appendingPathComponent(spec.fileName)
            if let existing = FileManager.default.contents(atPath: file.path), existing != Data(yaml.utf8) {
                kept(file)
                continue
            }
            try AtomicFile.write(Data(yaml.utf8), to: file)
            written.append(file)
        }
        return written
    }
}
