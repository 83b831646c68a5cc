import ArgumentParser
import TAOToolkit

/// The root of the command tree.
struct TAO: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tao",
        abstract: "Train, evaluate, export and serve speech and language models on a CPU.",
        version: TAOToolkit.version,
        subcommands: [RunsCommand.self, AudioCommand.self]
    )
}

TAO.main()
