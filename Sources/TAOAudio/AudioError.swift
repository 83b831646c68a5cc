/// Everything that can go wrong in TAOAudio: reading, decoding, resampling, configuring the front end, NPY files.
///
/// Each case names the file (or config key) it is about; `description` reads as one line
/// `<where>: <what> (<what to do>)`.
public enum AudioError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path does not exist.
    case fileNotFound(file: String)
    /// The file exists but could not be opened or read (permissions, I/O error).
    case unreadable(file: String, reason: String)
    /// The file has zero bytes.
    case emptyFile(file: String)
    /// The bytes are not in any audio format libsndfile recognises.
    case notAudio(file: String, reason: String)
    /// A recognised container with an encoding that cannot be decoded.
    case unsupported(file: String, reason: String)
    /// The header is malformed or the data could not be decoded.
    case corrupt(file: String, reason: String)
    /// The file ends before the number of frames its header announces.
    case truncated(file: String, expectedFrames: Int, readFrames: Int)
    /// A decoded sample is NaN or infinite (`index` counts mono samples from 0).
    case nonFiniteSample(file: String, index: Int)
    /// The signal has no samples.
    case zeroLength(file: String)
    /// The file's sample rate is not one the caller accepts.
    case sampleRateNotAllowed(file: String, sampleRate: Int, allowed: String)
    /// The audio is longer than the configured maximum (seconds).
    case tooLong(file: String, seconds: Double, limit: Double)
    /// A channel index outside `0..<channels`.
    case noSuchChannel(file: String, channel: Int, channels: Int)
    /// A raw PCM description or write request that cannot work (zero rate, zero channels, ...).
    case invalidFormat(file: String, reason: String)
    /// Writing an audio file failed.
    case writeFailed(file: String, reason: String)
    /// libsoxr refused a rate pair or failed while resampling; `file` is the audio file being read, when there is one.
    case resampling(file: String?, reason: String)
    /// A front-end setting outside its valid range (`key` as in the spec's `preprocessor` block).
    case invalidConfig(key: String, value: String, expected: String)
    /// A NumPy `.npy` file that tao cannot read or write.
    case npy(file: String, reason: String)

    public var description: String {
        switch self {
        case let .fileNotFound(file):
            "\(file): no such file (check the path)"
        case let .unreadable(file, reason):
            "\(file): cannot read: \(reason) (check permissions and that it is a regular file)"
        case let .emptyFile(file):
            "\(file): the file is empty (0 bytes) (re-export or re-download it)"
        case let .notAudio(file, reason):
            "\(file): not an audio file: \(reason) (use WAV, FLAC or OGG/Vorbis, or give the raw PCM format)"
        case let .unsupported(file, reason):
            "\(file): unsupported audio encoding: \(reason) (convert it to WAV PCM or FLAC, e.g. with sox)"
        case let .corrupt(file, reason):
            "\(file): corrupt audio: \(reason) (re-export the file)"
        case let .truncated(file, expected, read):
            "\(file): truncated: the header announces \(expected) frames but only \(read) could be read (re-export or re-download it)"
        case let .nonFiniteSample(file, index):
            "\(file): sample \(index) is NaN or infinite (fix the source; tao does not feed non-finite audio to a model)"
        case let .zeroLength(file):
            "\(file): the signal has no samples (drop it from the manifest)"
        case let .sampleRateNotAllowed(file, rate, allowed):
            "\(file): sample rate \(rate) Hz is not allowed here (allowed: \(allowed); resample the file or enable resampling)"
        case let .tooLong(file, seconds, limit):
            "\(file): \(formatSeconds(seconds)) s of audio exceeds the limit of \(formatSeconds(limit)) s (split the file or raise the limit)"
        case let .noSuchChannel(file, channel, channels):
            "\(file): channel \(channel) does not exist (the file has \(channels) channel\(channels == 1 ? "" : "s"), numbered from 0)"
        case let .invalidFormat(file, reason):
            "\(file): invalid audio format: \(reason) (give a positive sample rate and channel count and a known encoding)"
        case let .writeFailed(file, reason):
            "\(file): cannot write audio: \(reason) (check the folder exists and is writable)"
        case let .resampling(file?, reason):
            "\(file): cannot resample: \(reason) (convert the file to a common rate such as 16000 Hz, e.g. with sox)"
        case let .resampling(nil, reason):
            "resampler: \(reason) (use positive, finite sample rates)"
        case let .invalidConfig(key, value, expected):
            "preprocessor.\(key): '\(value)' is not \(expected) (fix the spec or the override)"
        case let .npy(file, reason):
            "\(file): \(reason) (tao reads and writes little-endian float32 .npy arrays, version 1-3)"
        }
    }
}

/// Seconds with up to three decimals and no trailing zeros, for messages.
func formatSeconds(_ seconds: Double) -> String {
    guard seconds.isFinite, abs(seconds) < 1e12 else { return String(seconds) }
    let rounded = (seconds * 1000).rounded() / 1000
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}
