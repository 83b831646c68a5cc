import ArgumentParser
import Foundation
import TAOTensor
import TAOToolkit

/// The root of the command tree.
struct TAO: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tao",
        abstract: "Train, evaluate, export and serve speech and language models on a CPU.",
        discussion: "Run 'tao <task> --help' for a task's subtasks, 'tao <task> <subtask> --help' for their flags.",
        version: TAOToolkit.version,
        subcommands: taskCommands + [RunsCommand.self, ServeCommand.self, ClientCommand.self, AudioCommand.self]
    )
}

/// Exit codes: 0 success, 1 failure, 2 a wrong command line or spec, 3 not available in this build, 128 + the signal
/// for training stopped by Ctrl-C (130) or SIGTERM (143) after saving its checkpoint.
enum ExitStatus {
    static func code(for error: Error) -> Int32 {
        switch error {
        case let TaskError.interrupted(signal, _): 128 + signal
        case is UsageError, is SpecError: 2
        case TaskError.missingFlag: 2
        case TaskError.notAvailable, CLIError.notAvailable: 3
        default: 1
        }
    }
}

/// Names the first two words of the command line must be, checked before ArgumentParser so a typo
/// gets "did you mean" and exit code 2.
func checkCommandNames(_ arguments: [String]) throws {
    guard let first = arguments.first, !first.hasPrefix("-") else { return }
    let commands = TAO.configuration.subcommands.map { $0.configuration.commandName ?? "" } + ["help"]
    guard commands.contains(first) else {
        throw UsageError.unknownName(kind: "task or command", name: first, valid: commands, context: "tao")
    }
    guard let task = TaskName(rawValue: first), arguments.count > 1, !arguments[1].hasPrefix("-") else { return }
    let subtasks = task.subtasks.map(\.rawValue)
    guard subtasks.contains(arguments[1]) else {
        throw UsageError.unknownName(kind: "subtask", name: arguments[1], valid: subtasks, context: "tao \(first)")
    }
}

/// Prints an error as `error: ...` lines and exits with its code.
func fail(_ error: Error, verbose: Bool) -> Never {
    let lines = (error as? SpecError)?.all.map(\.description) ?? ["\(error)"]
    for line in lines { FileHandle.standardError.write(Data("error: \(line)\n".utf8)) }
    if verbose { FileHandle.standardError.write(Data("detail: \(String(reflecting: error))\n".utf8)) }
    exit(ExitStatus.code(for: error))
}

AllocatorTuning.keepLargeBuffers()
let arguments = Array(CommandLine.arguments.dropFirst())
let verbose = arguments.contains("--verbose")
do {
    try checkCommandNames(arguments)
    var command = try TAO.parseAsRoot(arguments)
    try command.run()
} catch {
    switch TAO.exitCode(for: error) {
    case .success:
        TAO.exit(withError: error)  // --help, --version
    case .validationFailure:
        // ArgumentParser's own usage errors (a missing option value, a bad number): exit 2 like tao's.
        FileHandle.standardError.write(Data((TAO.fullMessage(for: error) + "\n").utf8))
        exit(2)
    default:
        if error is ExitCode { TAO.exit(withError: error) }
        fail(error, verbose: verbose)
    }
}
