import ArgumentParser
import Foundation
import TAOToolkit

/// A task at the type level, so each task gets its own command type for ArgumentParser.
protocol TaskTag { static var task: TaskName { get } }
/// A subtask at the type level.
protocol SubtaskTag { static var subtask: Subtask { get } }

enum SpeechToText: TaskTag { static var task: TaskName { .speechToText } }
enum SpeechToTextCitrinet: TaskTag { static var task: TaskName { .speechToTextCitrinet } }
enum NGram: TaskTag { static var task: TaskName { .nGram } }
enum TextClassification: TaskTag { static var task: TaskName { .textClassification } }
enum TokenClassification: TaskTag { static var task: TaskName { .tokenClassification } }
enum IntentSlotClassification: TaskTag { static var task: TaskName { .intentSlotClassification } }
enum PunctuationAndCapitalization: TaskTag { static var task: TaskName { .punctuationAndCapitalization } }

enum DownloadSpecs: SubtaskTag { static var subtask: Subtask { .downloadSpecs } }
enum DatasetConvert: SubtaskTag { static var subtask: Subtask { .datasetConvert } }
enum CreateTokenizer: SubtaskTag { static var subtask: Subtask { .createTokenizer } }
enum Train: SubtaskTag { static var subtask: Subtask { .train } }
enum Finetune: SubtaskTag { static var subtask: Subtask { .finetune } }
enum Evaluate: SubtaskTag { static var subtask: Subtask { .evaluate } }
enum Infer: SubtaskTag { static var subtask: Subtask { .infer } }
enum Export: SubtaskTag { static var subtask: Subtask { .export } }

/// The command types of every task, in help order.
let taskCommands: [any ParsableCommand.Type] = [
    TaskCommand<SpeechToText>.self, TaskCommand<SpeechToTextCitrinet>.self, TaskCommand<NGram>.self,
    TaskCommand<TextClassification>.self, TaskCommand<TokenClassification>.self,
    TaskCommand<IntentSlotClassification>.self, TaskCommand<PunctuationAndCapitalization>.self,
]

/// `tao <task>`: lists the task's subtasks.
struct TaskCommand<T: TaskTag>: ParsableCommand {
    static var configuration: CommandConfiguration {
        let all: [any ParsableCommand.Type] = [
            SubtaskCommand<T, DownloadSpecs>.self, SubtaskCommand<T, DatasetConvert>.self,
            SubtaskCommand<T, CreateTokenizer>.self, SubtaskCommand<T, Train>.self, SubtaskCommand<T, Finetune>.self,
            SubtaskCommand<T, Evaluate>.self, SubtaskCommand<T, Infer>.self, SubtaskCommand<T, Export>.self,
        ]
        let names = Set(T.task.subtasks.map { $0.rawValue })
        return CommandConfiguration(
            commandName: T.task.rawValue,
            abstract: T.task.abstract,
            subcommands: all.filter { names.contains($0.configuration.commandName ?? "") }
        )
    }
}

/// `tao <task> <subtask> -e spec.yaml -r results/ [-m model.tao] [-k key] [a.b.c=value ...]`.
struct SubtaskCommand<T: TaskTag, S: SubtaskTag>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: S.subtask.rawValue, abstract: S.subtask.abstract)
    }

    @Option(name: [.customShort("e"), .customLong("experiment_spec")], help: "Spec file (YAML); the defaults when omitted.")
    var experimentSpec: String?

    @Option(name: [.customShort("r"), .customLong("results_dir")], help: "Folder for status.json, the log and the outputs.")
    var resultsDir: String?

    @Option(name: [.customShort("m"), .customLong("model")], help: "Model archive (.tao) to read.")
    var model: String?

    @Option(name: [.customShort("k"), .customLong("key")], help: "Key of an encrypted model archive.")
    var key: String?

    @Option(name: [.customShort("o"), .customLong("output_dir")], help: "Folder download_specs writes the specs to.")
    var outputDir: String?

    @Flag(name: .long, help: "Print details of errors.")
    var verbose = false

    @Argument(parsing: .allUnrecognized, help: "Spec overrides, key.path=value (e.g. trainer.max_epochs=10).")
    var overrides: [String] = []

    static var flagNames: [String] {
        ["-e", "--experiment_spec", "-r", "--results_dir", "-m", "--model", "-k", "--key", "-o", "--output_dir", "--verbose", "--help"]
    }

    func validate() throws {
        // An empty value would mean "the current folder" for paths and "no encryption" for a key: both surprises.
        for (flag, value) in [("-e", experimentSpec), ("-r", resultsDir), ("-m", model), ("-k", key), ("-o", outputDir)] where value?.isEmpty == true {
            throw ValidationError("\(flag) needs a value, got an empty one")
        }
    }

    func run() throws {
        for argument in overrides where argument.hasPrefix("-") {
            let flag = String(argument.split(separator: "=", maxSplits: 1)[0])
            throw UsageError.unknownName(kind: "flag", name: flag, valid: Self.flagNames,
                                        context: "tao \(T.task.rawValue) \(S.subtask.rawValue)")
        }
        let request = SubtaskRequest(
            task: T.task, subtask: S.subtask,
            specFile: experimentSpec.map { URL(fileURLWithPath: $0) },
            resultsDir: resultsDir.map { URL(fileURLWithPath: $0, isDirectory: true) },
            model: model.map { URL(fileURLWithPath: $0) },
            key: key ?? ProcessInfo.processInfo.environment["TAO_KEY"].flatMap { $0.isEmpty ? nil : $0 },
            outputDir: outputDir.map { URL(fileURLWithPath: $0, isDirectory: true) },
            overrides: overrides
        )
        try TaskRunner.run(request)
    }
}
