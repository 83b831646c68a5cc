import Foundation

/// What can go wrong when opening, writing or querying the run registry.
public enum RegistryError: Error, CustomStringConvertible, Equatable {
    /// The folder that holds the registry could not be created.
    case cannotCreateFolder(path: String, reason: String)
    /// SQLite refused to open or migrate the database file.
    case cannotOpen(path: String, reason: String)
    /// Another connection held the database locked past the busy timeout.
    case busy(path: String, seconds: Int)
    /// A registry opened read-only lacks migrations this tao would apply.
    case outdated(path: String)
    /// A read or a write failed after the busy timeout and the retries.
    case databaseFailure(path: String, operation: String, reason: String)
    /// No run has this id (or id prefix).
    case unknownRun(id: String, path: String)
    /// An id prefix that names several runs.
    case ambiguousRun(prefix: String, matches: [String])

    public var description: String {
        switch self {
        case let .cannotCreateFolder(path, reason):
            "\(path): cannot create the registry folder: \(reason) (set TAO_HOME to a writable folder)"
        case let .cannotOpen(path, reason):
            "\(path): cannot open the run registry: \(reason) (check the file's permissions, or set TAO_HOME to another folder)"
        case let .busy(path, seconds):
            "\(path): the run registry has been locked by another process for over \(seconds) s (a tao run, or a program with a "
                + "transaction open); try again when it is done"
        case let .outdated(path):
            "\(path): the run registry was written by an older tao; run any subtask once to update it"
        case let .databaseFailure(path, operation, reason):
            "\(path): \(operation) failed: \(reason) (retry; if it persists, another process may hold the database locked)"
        case let .unknownRun(id, path):
            "\(path): no run with id '\(id)' (see 'tao runs list' for the recorded ids)"
        case let .ambiguousRun(prefix, matches):
            "run id '\(prefix)' matches \(matches.count) runs: \(matches.prefix(5).joined(separator: ", ")) (give more of the id)"
        }
    }
}
