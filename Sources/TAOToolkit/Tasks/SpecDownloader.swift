import Foundation

/// `download_specs`: writes every default spec of a task, commented, to a folder.
public enum SpecDownloader {
    /// Writes `<subtask>.yaml` for each subtask of `task` into `directory`; returns the files written.
    @discardableResult
    public static func write(_ task: TaskName, to directory: URL) throws -> [URL] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TaskError.cannotWrite(path: directory.path, reason: "cannot create the folder")
        }
        var written: [URL] = []
        for subtask in task.subtasks {
            guard let schema = DefaultSpecs.schema(task, subtask) else { continue }
            let header = [
                "tao \(task.rawValue) \(subtask.rawValue): the default spec, every key with its default.",
                "Run: tao \(task.rawValue) \(subtask.rawValue) -e \(DefaultSpecs.fileName(subtask)) -r RESULTS_DIR [key.path=value ...]",
                "??? marks a value you must give; null means none.",
            ]
            let yaml = ResolvedSpec(unchecked: schema.defaultValue, schema: schema).yaml(header: header)
            let file = directory.appendingPathComponent(DefaultSpecs.fileName(subtask))
            do {
                try AtomicFile.write(Data(yaml.utf8), to: file)
            } catch {
                throw TaskError.cannotWrite(path: file.path, reason: "\(error)")
            }
            written.append(file)
        }
        return written
    }
}
