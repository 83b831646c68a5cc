import ArgumentParser

/// `tao audio`: look at audio files the way the models see them (issue 4).
struct AudioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Inspect audio files and the features the models see (not available yet in this build)."
    )

    func run() throws {
        throw CLIError.notAvailable("tao audio")
    }
}
