import Foundation

/// Runs one subtask: checks its spec first (for every subtask, implemented or not), then does the work.
public enum TaskRunner {
    /// Runs `request`; `say` receives the lines a user should see.
    public static func run(_ request: SubtaskRequest, say: (String) -> Void = { print($0) }) throws {
        if request.subtask == .downloadSpecs {
            guard let output = request.outputDir else {
                throw TaskError.missingFlag(flag: "-o/--output_dir", purpose: "the folder to write the specs to")
            }
            let files = try SpecDownloader.write(request.task, to: output)
            for file in files { say("wrote \(file.path)") }
            return
        }
        guard request.resultsDir != nil else {
            throw TaskError.missingFlag(flag: "-r/--results_dir", purpose: "the folder for status.json, the log and the outputs")
        }
        if let spec = try request.resolvedSpec() {
            _ = try TypedSpecs.decode(spec, task: request.task, subtask: request.subtask)
        }
        throw TaskError.notAvailable(task: request.task, subtask: request.subtask)
    }
}
