/// Problems running a subtask that are not about the spec's contents.
public enum TaskError: Error, CustomStringConvertible, Equatable {
    /// A subtask a later release implements.
    case notAvailable(task: TaskName, subtask: Subtask)
    /// A flag the subtask needs was not given.
    case missingFlag(flag: String, purpose: String)
    /// A file or folder the subtask reads is missing or unreadable.
    case cannotRead(path: String, reason: String)
    /// A file or folder could not be written.
    case cannotWrite(path: String, reason: String)
    /// A model archive of another task than the one run.
    case wrongModelKind(path: String, found: String, expected: String)
    /// A checkpoint to resume from that cannot be used.
    case badCheckpoint(path: String, reason: String)
    /// Training stopped by `signal` (Ctrl-C, SIGTERM) once a checkpoint to resume from was saved.
    case interrupted(signal: Int32, reason: String)

    public var description: String {
        switch self {
        case let .notAvailable(task, subtask):
            "\(task.rawValue) \(subtask.rawValue): not available yet in this build (the spec was checked and is valid)"
        case let .missingFlag(flag, purpose):
            "missing \(flag) (\(purpose))"
        case let .cannotRead(path, reason):
            "\(path): cannot read (\(reason))"
        case let .cannotWrite(path, reason):
            "\(path): cannot write (\(reason))"
        case let .wrongModelKind(path, found, expected):
            "\(path): this is a \(found) model, not a \(expected) one (give -m a model trained by this task)"
        case let .badCheckpoint(path, reason):
            "\(path): cannot resume from this checkpoint: \(reason) (use a new results folder to start afresh)"
        case let .interrupted(_, reason):
            reason
        }
    }
}
