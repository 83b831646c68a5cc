/// Errors the command line itself raises; library errors pass through unchanged.
enum CLIError: Error, CustomStringConvertible {
    /// A command or subtask that a later release implements (exit code 3).
    case notAvailable(String)

    var description: String {
        switch self {
        case let .notAvailable(what): "\(what): not available yet in this build (see the issues for what is planned)"
        }
    }
}
