import ArgumentParser
import Foundation
import TAOToolkit

/// `tao runs`: the registry of every run (`$TAO_HOME/registry.sqlite`, TAO_HOME defaulting to ~/.tao).
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List, show and compare recorded runs ($TAO_HOME/registry.sqlite, TAO_HOME defaults to ~/.tao).",
        subcommands: [List.self, Show.self, Compare.self],
        defaultSubcommand: List.self
    )

    /// `tao runs list [--task T] [--limit N]`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first.")

        @Option(help: "Only runs of this task (e.g. speech_to_text).")
        var task: String?

        @Option(help: "Show at most this many runs.")
        var limit: Int = 20

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be a positive number, got \(limit)") }
        }

        func run() throws {
            let registry = try Registry.openDefaultForReading()
            print(RunsReport().list(try registry.runs(task: task, limit: limit), registryPath: registry.url.path, task: task), terminator: "")
        }
    }

    /// `tao runs show ID`
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one run: its fields, metrics, artifacts and spec.")

        @Argument(help: "The run id (or a unique prefix of it), as 'tao runs list' prints it.")
        var id: String

        func run() throws {
            let registry = try Registry.openDefaultForReading()
            print(RunsReport().show(try registry.details(of: id)), terminator: "")
        }
    }

    /// `tao runs compare ID ID`
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Compare the metrics of two runs side by side.")

        @Argument(help: "The first run id (or a unique prefix).")
        var first: String

        @Argument(help: "The second run id (or a unique prefix).")
        var second: String

        func run() throws {
            let registry = try Registry.openDefaultForReading()
            print(RunsReport().compare(try registry.compare(first, second)), terminator: "")
        }
    }
}
