import Foundation

/// One `tao <task> <subtask>` invocation, as the command line gives it.
public struct SubtaskRequest: Sendable {
    public var task: TaskName
    public var subtask: Subtask
    /// `-e`: the spec file (nil: the defaults).
    public var specFile: URL?
    /// `-r`: where the run writes status.json, its log and its artifacts.
    public var resultsDir: URL?
    /// `-m`: the model archive the subtask reads.
    public var model: URL?
    /// `-k`: the key of encrypted archives.
    public var key: String?
    /// `-o`: where download_specs writes.
    public var outputDir: URL?
    /// `a.b.c=value` overrides, in order.
    public var overrides: [String]

    public init(task: TaskName, subtask: Subtask, specFile: URL? = nil, resultsDir: URL? = nil, model: URL? = nil,
                key: String? = nil, outputDir: URL? = nil, overrides: [String] = []) {
        self.task = task
        self.subtask = subtask
        self.specFile = specFile
        self.resultsDir = resultsDir
        self.model = model
        self.key = key
        self.outputDir = outputDir
        self.overrides = overrides
    }

    /// The spec the run uses, checked: defaults, then `-e`, then the overrides.
    public func resolvedSpec() throws -> ResolvedSpec? {
        guard let schema = DefaultSpecs.schema(task, subtask) else { return nil }
        return try ResolvedSpec.load(schema: schema, file: specFile, overrides: overrides)
    }

    /// What the run was asked to do, as YAML, for the run record (kept even when the spec is invalid).
    public func specText() -> String {
        var text = ""
        if let specFile {
            text = (try? String(contentsOf: specFile, encoding: .utf8)) ?? "# \(specFile.path): unreadable\n"
        }
        if !overrides.isEmpty {
            text += "# overrides:\n" + overrides.map { "#   \($0)\n" }.joined()
        }
        return text
    }
}
