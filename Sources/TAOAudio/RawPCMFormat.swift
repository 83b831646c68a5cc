import CSndFile

/// How samples are stored: in raw headerless PCM, and when writing a WAV file.
public enum SampleEncoding: String, Sendable, CaseIterable, Codable {
    case pcmS8 = "s8", pcmU8 = "u8", pcm16 = "s16", pcm24 = "s24", pcm32 = "s32"
    case float32 = "f32", float64 = "f64", ulaw = "ulaw", alaw = "alaw"

    /// libsndfile's subtype constant for this encoding.
    var subtype: Int32 {
        switch self {
        case .pcmS8: Int32(SF_FORMAT_PCM_S8)
        case .pcmU8: Int32(SF_FORMAT_PCM_U8)
        case .pcm16: Int32(SF_FORMAT_PCM_16)
        case .pcm24: Int32(SF_FORMAT_PCM_24)
        case .pcm32: Int32(SF_FORMAT_PCM_32)
        case .float32: Int32(SF_FORMAT_FLOAT)
        case .float64: Int32(SF_FORMAT_DOUBLE)
        case .ulaw: Int32(SF_FORMAT_ULAW)
        case .alaw: Int32(SF_FORMAT_ALAW)
        }
    }

    /// Bytes per sample of one channel.
    public var bytesPerSample: Int {
        switch self {
        case .pcmS8, .pcmU8, .ulaw, .alaw: 1
        case .pcm16: 2
        case .pcm24: 3
        case .pcm32, .float32: 4
        case .float64: 8
        }
    }
}

/// Byte order of multi-byte raw samples.
public enum Endianness: String, Sendable, Codable {
    case little, big
}

/// The layout of headerless PCM (a `.raw`/`.pcm` file or bytes from a socket): nothing in the data says it, so the
/// caller must.
public struct RawPCMFormat: Sendable, Equatable, Codable {
    /// Sample encoding, e.g. `.pcm16`.
    public var encoding: SampleEncoding
    /// Samples per second per channel, in Hz.
    public var sampleRate: Int
    /// Interleaved channels per frame.
    public var channels: Int
    /// Byte order of multi-byte samples.
    public var endianness: Endianness

    /// 16-bit little-endian mono unless told otherwise; the rate has no default.
    public init(encoding: SampleEncoding = .pcm16, sampleRate: Int, channels: Int = 1, endianness: Endianness = .little) {
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.channels = channels
        self.endianness = endianness
    }

    /// Throws unless the rate and channel count are usable and `byteCount` bytes (when known) are whole frames:
    /// a cut last frame would otherwise be dropped without a word.
    func validate(file: String, byteCount: Int?) throws {
        guard sampleRate > 0, sampleRate <= 10_000_000 else {
            throw AudioError.invalidFormat(file: file, reason: "raw PCM sample rate \(sampleRate) Hz")
        }
        guard channels > 0, channels <= 1024 else {
            throw AudioError.invalidFormat(file: file, reason: "raw PCM with \(channels) channels")
        }
        let frameBytes = encoding.bytesPerSample * channels
        if let byteCount, byteCount % frameBytes != 0 {
            throw AudioError.corrupt(file: file, reason: "\(byteCount) bytes of raw \(encoding.rawValue) PCM in \(channels) channel(s) "
                                     + "are not whole \(frameBytes)-byte frames: the last frame is cut")
        }
    }

    /// libsndfile's description of this layout, for `sf_open` in read mode.
    var soundFileInfo: SF_INFO {
        var info = SF_INFO()
        let order = endianness == .little ? Int32(SF_ENDIAN_LITTLE) : Int32(SF_ENDIAN_BIG)
        info.format = Int32(SF_FORMAT_RAW) | encoding.subtype | order
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        return info
    }
}
