import CSndFile

/// What a sound file's header says: container, encoding, rate, channels and length.
public struct AudioFileInfo: Sendable, Equatable {
    /// Container name as libsndfile reports it, e.g. "WAV (Microsoft)", "FLAC (Free Lossless Audio Codec)".
    public var container: String
    /// Sample encoding, e.g. "Signed 16 bit PCM", "U-Law", "Vorbis".
    public var encoding: String
    /// Samples per second per channel, in Hz.
    public var sampleRate: Int
    /// Interleaved channels per frame.
    public var channels: Int
    /// Frames (samples per channel) announced by the header.
    public var frames: Int
    /// Whether `frames` is exact (false for MPEG streams, whose length libsndfile estimates, and unknown lengths).
    public var lengthIsExact: Bool

    /// Length in seconds.
    public var duration: Double { sampleRate > 0 ? Double(frames) / Double(sampleRate) : 0 }

    init(_ info: SF_INFO) {
        container = Self.formatName(info.format & Int32(SF_FORMAT_TYPEMASK))
        encoding = Self.formatName(info.format & Int32(SF_FORMAT_SUBMASK))
        sampleRate = Int(info.samplerate)
        channels = Int(info.channels)
        frames = Int(clamping: info.frames)
        lengthIsExact = info.format & Int32(SF_FORMAT_TYPEMASK) != Int32(SF_FORMAT_MPEG) && info.frames < Int64.max
    }

    /// libsndfile's human-readable name of a major format or subtype constant.
    private static func formatName(_ format: Int32) -> String {
        var query = SF_FORMAT_INFO()
        query.format = format
        let status = sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &query, Int32(MemoryLayout<SF_FORMAT_INFO>.size))
        guard status == 0, let name = query.name else { return "0x" + String(format, radix: 16) }
        return String(cString: name)
    }
}
