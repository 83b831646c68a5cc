import ArgumentParser

/// `tao runs`: the registry of every run (issue 2).
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List, show and compare recorded runs (not available yet in this build)."
    )

    func run() throws {
        throw CLIError.notAvailable("tao runs")
    }
}
