/// The life cycle of a run, as `status.json` and the registry spell it.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case started = "STARTED"
    case running = "RUNNING"
    case success = "SUCCESS"
    case failure = "FAILURE"
    /// Stored for a training run stopped by Ctrl-C or SIGTERM (it saved a checkpoint to resume from); also reported
    /// for a STARTED or RUNNING run whose process is gone.
    case interrupted = "INTERRUPTED"
    /// Read for a stored status this tao does not know (written by a newer tao, or edited by hand), so that one
    /// such row does not keep every other run from being listed.
    case unknown = "UNKNOWN"

    public init(from decoder: any Decoder) throws {
        self = RunStatus(rawValue: try decoder.singleValueContainer().decode(String.self)) ?? .unknown
    }

    /// Whether the run has not ended (yet).
    public var isActive: Bool { self == .started || self == .running }
}
