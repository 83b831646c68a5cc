/// Problems with speech data and models; each names the file (and line) and what was expected.
public enum SpeechError: Error, Equatable, CustomStringConvertible {
    case unreadableManifest(path: String, reason: String)
    /// A manifest line that cannot be used; `reason` says why.
    case badManifestLine(path: String, line: Int, reason: String)
    /// No line of a manifest is usable; `first` is the first line's problem, when a line had one (the rest may
    /// have been outside the duration limits).
    case emptyManifest(path: String, skipped: Int, first: String?)
    case cannotWrite(path: String, reason: String)
    case badDataset(path: String, reason: String)
    /// A manifest line's `offset` and `duration` (seconds) select nothing of its file.
    case emptySegment(file: String, offset: Double, duration: Double, fileSeconds: Double)

    public var description: String {
        switch self {
        case let .unreadableManifest(path, reason): "\(path): cannot read the manifest: \(reason)"
        case let .badManifestLine(path, line, reason): "\(path):\(line): \(reason)"
        case let .emptyManifest(path, skipped, first):
            "\(path): no usable utterances (\(skipped) lines skipped" + (first.map { "; the first: \($0))" } ?? ")")
        case let .cannotWrite(path, reason): "\(path): cannot write (\(reason))"
        case let .badDataset(path, reason): "\(path): \(reason)"
        case let .emptySegment(file, offset, duration, fileSeconds):
            "\(file): offset \(offset) s with duration \(duration) s is past the end of the audio (\(fileSeconds) s long; fix the manifest line)"
        }
    }
}

/// A model spec that cannot be built (a problem types could not catch).
public struct ModelSpecError: Error, Equatable, CustomStringConvertible {
    /// The spec path of the offending key, e.g. `model.encoder.jasper.3.kernel`.
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "'\(path)': \(reason)" }
}
