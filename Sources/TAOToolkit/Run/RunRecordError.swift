/// What can go wrong while recording a run in its results folder.
public enum RunRecordError: Error, CustomStringConvertible, Equatable {
    /// The results folder or a file in it cannot be created or written.
    case cannotWrite(path: String, reason: String)
    /// An artifact to record cannot be read.
    case cannotReadArtifact(path: String, reason: String)
    /// Another tao process is running in the results folder.
    case folderInUse(path: String, process: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason):
            "\(path): cannot write: \(reason) (choose a writable results folder with -r)"
        case let .cannotReadArtifact(path, reason):
            "\(path): cannot read the artifact to record it: \(reason) (check that the job wrote it)"
        case let .folderInUse(path, process):
            "\(path): another tao run (\(process)) is using this results folder; wait for it to end, or give another -r"
        }
    }
}
