import Foundation

/// Runs one subtask: records it (status.json, log, registry), checks its spec first (for every subtask,
/// implemented or not), then does the work.
public enum TaskRunner {
    /// Runs `request`; `say` receives the lines a user should see (by default printed and flushed at once, so that
    /// a pipe or a file shows each transcript or label as it comes).
    public static func run(_ request: SubtaskRequest, say: (String) -> Void = { print($0); fflush(nil) }) throws {
        guard let resultsDir = request.resultsDir else {
            if request.subtask == .downloadSpecs {
                try downloadSpecs(request, say: say)
                return
            }
            throw TaskError.missingFlag(flag: "-r/--results_dir", purpose: "the folder for status.json, the log and the outputs")
        }
        let recorder = try RunRecorder.begin(
            task: request.task.rawValue, subtask: request.subtask.rawValue, specYAML: request.specText(),
            resultsDir: resultsDir, registry: try Registry.openDefault()
        )
        do {
            // Other subtasks keep the signals' default: their outputs are written atomically, and leftovers are swept
            // by the next run.
            let summary = try earlyStop(of: request).map { announcement in
                try InterruptSignals.routed(to: recorder.stop, announcing: announcement) { try perform(request, recorder: recorder, say: say) }
            } ?? perform(request, recorder: recorder, say: say)
            try recorder.succeed(summary)
            say(summary)
        } catch TaskError.interrupted(let signal, let reason) {
            recorder.interrupt(reason)
            throw TaskError.interrupted(signal: signal, reason: reason)
        } catch {
            recorder.fail("\(error)")
            throw error
        }
    }

    /// How `request` stops on Ctrl-C or SIGTERM when it can stop early and keep its work, or nil: a training loop
    /// stops at its next step and saves a checkpoint; `infer` of speech and text writes the transcripts or labels it
    /// has.
    private static func earlyStop(of request: SubtaskRequest) -> InterruptSignals.Announcement? {
        switch (request.task, request.subtask) {
        case (.nGram, _): nil
        case (_, .train), (_, .finetune):
            InterruptSignals.Announcement(stopping: "after this training step or validation batch and saving a checkpoint",
                                          secondLoses: "the steps since the last checkpoint")
        case (.speechToText, .infer), (.speechToTextCitrinet, .infer):
            InterruptSignals.Announcement(stopping: "after the files in hand and writing their transcripts to infer.jsonl",
                                          secondLoses: "every transcript not printed yet")
        case (_, .infer):  // the text tasks
            InterruptSignals.Announcement(stopping: "after the queries in hand and writing their labels to infer.jsonl",
                                          secondLoses: "every label not printed yet")
        default: nil
        }
    }

    private static let checkedSpecHeader = "The spec of run "

    /// Where the checked spec goes: `spec.yaml` in the results folder, unless a `spec.yaml` that tao did not write is
    /// there (the user's own, often the `-e` file itself): then `spec.checked.yaml`, so that it is not replaced.
    private static func checkedSpecFile(in folder: URL) -> URL {
        let file = folder.appendingPathComponent("spec.yaml")
        guard let handle = FileHandle(forReadingAtPath: file.path) else { return file }
        defer { try? handle.close() }
        let start = String(decoding: (try? handle.read(upToCount: 64)) ?? Data(), as: UTF8.self)
        return start.hasPrefix("# " + checkedSpecHeader) ? file : folder.appendingPathComponent("spec.checked.yaml")
    }

    /// The subtask's work; returns the one-line summary of a successful run.
    private static func perform(_ request: SubtaskRequest, recorder: RunRecorder, say: (String) -> Void) throws -> String {
        if request.subtask == .downloadSpecs {
            let files = try downloadSpecs(request, say: say)
            for file in files { try recorder.recordArtifact(file, kind: "spec") }
            return "wrote \(files.count) specs to \(request.outputDir?.path ?? "")"
        }
        guard let spec = try request.resolvedSpec() else {
            throw TaskError.notAvailable(task: request.task, subtask: request.subtask)
        }
        _ = try TypedSpecs.decode(spec, task: request.task, subtask: request.subtask)
        let specFile = checkedSpecFile(in: recorder.resultsDir)
        try AtomicFile.write(Data(spec.yaml(header: [checkedSpecHeader + "\(recorder.id), as checked: defaults, -e file, overrides."]).utf8),
                             to: specFile)
        recorder.log("spec checked; written to \(specFile.path)")
        switch (request.task, request.subtask) {
        case (.speechToText, .train):
            return try SpeechToTextTask.train(spec.decode(SpeechTrainSpec<CharacterModelSpec>.self), resolved: spec, recorder: recorder)
        case (.speechToTextCitrinet, .train):
            return try SpeechToTextTask.train(spec.decode(SpeechTrainSpec<SubwordModelSpec>.self), resolved: spec, recorder: recorder)
        case (.speechToText, .finetune), (.speechToTextCitrinet, .finetune):
            return try SpeechToTextTask.finetune(spec.decode(SpeechFinetuneSpec.self), model: try requireModel(request),
                                                 key: request.key, recorder: recorder)
        case (.speechToText, .datasetConvert), (.speechToTextCitrinet, .datasetConvert):
            return try SpeechToTextTask.datasetConvert(spec.decode(DatasetConvertSpec.self), recorder: recorder, say: say)
        case (.speechToText, .evaluate), (.speechToTextCitrinet, .evaluate):
            return try SpeechToTextTask.evaluate(spec.decode(SpeechEvaluateSpec.self), model: try requireModel(request),
                                                 key: request.key, recorder: recorder, say: say)
        case (.speechToText, .infer), (.speechToTextCitrinet, .infer):
            return try SpeechToTextTask.infer(spec.decode(SpeechInferSpec.self), model: try requireModel(request),
                                              key: request.key, recorder: recorder, say: say)
        case (.speechToText, .export), (.speechToTextCitrinet, .export):
            return try SpeechToTextTask.export(spec.decode(ExportSpec.self), model: try requireModel(request),
                                               key: request.key, recorder: recorder)
        case (.speechToTextCitrinet, .createTokenizer):
            return try CreateTokenizerTask.run(spec.decode(CreateTokenizerSpec.self), recorder: recorder)
        case (.nGram, .datasetConvert):
            return try NGramTask.datasetConvert(spec.decode(NGramDatasetConvertSpec.self), recorder: recorder)
        case (.nGram, .train):
            return try NGramTask.train(spec.decode(NGramTrainSpec.self), resolved: spec, key: request.key, recorder: recorder)
        case (.nGram, .evaluate):
            return try NGramTask.evaluate(spec.decode(NGramEvaluateSpec.self), model: try requireModel(request), key: request.key,
                                          recorder: recorder)
        case (.nGram, .infer):
            return try NGramTask.infer(spec.decode(TextQueriesSpec.self), model: try requireModel(request), key: request.key,
                                       recorder: recorder, say: say)
        case (.nGram, .export):
            return try NGramTask.export(spec.decode(ExportSpec.self), model: try requireModel(request), key: request.key,
                                        recorder: recorder)
        case (.textClassification, _), (.tokenClassification, _), (.intentSlotClassification, _), (.punctuationAndCapitalization, _):
            return try runText(request, spec: spec, recorder: recorder, say: say)
        default:
            throw TaskError.notAvailable(task: request.task, subtask: request.subtask)
        }
    }

    /// The four text tasks share one implementation (TextTask).
    private static func runText(_ request: SubtaskRequest, spec: ResolvedSpec, recorder: RunRecorder, say: (String) -> Void) throws -> String {
        let task = request.task
        switch request.subtask {
        case .train: return try TextTask.train(task, spec: spec, recorder: recorder)
        case .finetune: return try TextTask.finetune(task, spec: spec, model: try requireModel(request), key: request.key, recorder: recorder)
        case .evaluate:
            return try TextTask.evaluate(task, spec: spec, model: try requireModel(request), key: request.key, recorder: recorder, say: say)
        case .infer:
            return try TextTask.infer(task, spec: spec.decode(TextQueriesSpec.self), model: try requireModel(request), key: request.key,
                                      recorder: recorder, say: say)
        case .export:
            return try TextTask.export(task, spec: spec.decode(ExportSpec.self), model: try requireModel(request), key: request.key,
                                       recorder: recorder)
        case .datasetConvert:
            return try TextTask.datasetConvert(task, spec: spec.decode(DatasetConvertSpec.self), recorder: recorder, say: say)
        case .createTokenizer, .downloadSpecs:
            throw TaskError.notAvailable(task: task, subtask: request.subtask)
        }
    }

    private static func requireModel(_ request: SubtaskRequest) throws -> URL {
        guard let model = request.model else {
            throw TaskError.missingFlag(flag: "-m/--model", purpose: "the .tao model \(request.subtask.rawValue) reads")
        }
        return model
    }

    @discardableResult
    private static func downloadSpecs(_ request: SubtaskRequest, say: (String) -> Void) throws -> [URL] {
        guard let output = request.outputDir else {
            throw TaskError.missingFlag(flag: "-o/--output_dir", purpose: "the folder to write the specs to")
        }
        let files = try SpecDownloader.write(request.task, to: output) { kept in
            say("kept \(kept.path): it differs from the default (remove it to get the default)")
        }
        for file in files { say("wrote \(file.path)") }
        return files
    }
}
