import ArgumentParser

/// `tao serve`: the Riva-like speech and language service (a later release).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve models over WebSocket and HTTP/JSON (not available yet in this build)."
    )

    func run() throws {
        throw CLIError.notAvailable("tao serve")
    }
}
