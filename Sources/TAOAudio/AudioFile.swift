import CSndFile
import Foundation

/// A mono signal and its sample rate.
public struct AudioClip: Sendable, Equatable {
    /// Samples in [-1, 1) for integer sources (float sources may exceed it).
    public var samples: [Float]
    /// Samples per second, in Hz.
    public var sampleRate: Int

    public init(samples: [Float], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// Length in seconds.
    public var duration: Double { sampleRate > 0 ? Double(samples.count) / Double(sampleRate) : 0 }
}

/// Limits and choices applied while reading a file.
public struct AudioReadOptions: Sendable, Equatable {
    /// Mix all channels down (the default) or pick one.
    public var channels: ChannelSelection
    /// Sample rates the caller accepts (Hz); nil accepts any.
    public var allowedSampleRates: [Int]?
    /// Longest accepted audio, in seconds; nil for no limit.
    public var maxDuration: Double?

    public init(channels: ChannelSelection = .mixdown, allowedSampleRates: [Int]? = nil, maxDuration: Double? = nil) {
        self.channels = channels
        self.allowedSampleRates = allowedSampleRates
        self.maxDuration = maxDuration
    }
}

/// Reading and writing sound files through libsndfile: WAV (PCM 8/16/24/32, float, double, mu-law, A-law), FLAC,
/// OGG/Vorbis, AIFF, NIST SPHERE and more, at any rate and channel count, plus raw headerless PCM.
public enum AudioFile {
    /// The header of a file, without decoding its samples.
    public static func info(_ url: URL, raw: RawPCMFormat? = nil) throws -> AudioFileInfo {
        try AudioReader(url: url, raw: raw).info
    }

    /// Reads a whole file as a mono clip at its own rate.
    public static func read(_ url: URL, raw: RawPCMFormat? = nil, options: AudioReadOptions = .init()) throws -> AudioClip {
        try read(from: AudioReader(url: url, raw: raw), options: options)
    }

    /// Reads audio held in memory; `name` is used in error messages.
    public static func read(bytes: [UInt8], name: String, raw: RawPCMFormat? = nil, options: AudioReadOptions = .init()) throws -> AudioClip {
        try read(from: AudioReader(bytes: bytes, name: name, raw: raw), options: options)
    }

    /// Reads a file as mono and resamples it to `sampleRate` Hz (high-quality libsoxr) when it differs.
    public static func read(_ url: URL, resamplingTo sampleRate: Int, raw: RawPCMFormat? = nil, options: AudioReadOptions = .init()) throws -> AudioClip {
        let clip = try read(url, raw: raw, options: options)
        if clip.sampleRate == sampleRate { return clip }
        let samples = try Resampler.resample(clip.samples, from: Double(clip.sampleRate), to: Double(sampleRate))
        return AudioClip(samples: samples, sampleRate: sampleRate)
    }

    /// Drains `reader` block by block, enforcing the options.
    static func read(from reader: AudioReader, options: AudioReadOptions) throws -> AudioClip {
        let info = reader.info
        if let allowed = options.allowedSampleRates, !allowed.contains(info.sampleRate) {
            throw AudioError.sampleRateNotAllowed(file: reader.name, sampleRate: info.sampleRate,
                                                  allowed: allowed.map { "\($0) Hz" }.joined(separator: ", "))
        }
        let limitFrames = options.maxDuration.map { Int(min($0 * Double(info.sampleRate), Double(Int.max / 2))) }
        if let limit = options.maxDuration, let limitFrames, info.frames > limitFrames {
            throw AudioError.tooLong(file: reader.name, seconds: info.duration, limit: limit)
        }
        var samples: [Float] = []
        // The header may lie about the length: reserve at most 2^22 samples up front and let the array grow.
        samples.reserveCapacity(min(info.frames, 1 << 22))
        while true {
            let block = try reader.read(maxFrames: 65_536, channels: options.channels)
            if block.isEmpty { break }
            samples.append(contentsOf: block)
            if let limit = options.maxDuration, let limitFrames, samples.count > limitFrames {
                throw AudioError.tooLong(file: reader.name, seconds: Double(samples.count) / Double(info.sampleRate), limit: limit)
            }
        }
        if samples.isEmpty { throw AudioError.zeroLength(file: reader.name) }
        return AudioClip(samples: samples, sampleRate: info.sampleRate)
    }

    /// Writes a mono or interleaved signal as a WAV file. Samples beyond [-1, 1] are clipped for integer encodings.
    /// - Parameters:
    ///   - samples: interleaved frames, `channels` samples each.
    ///   - sampleRate: in Hz.
    ///   - encoding: sample encoding inside the WAV (16-bit PCM by default).
    public static func writeWAV(_ samples: [Float], sampleRate: Int, channels: Int = 1, encoding: SampleEncoding = .pcm16, to url: URL) throws {
        if encoding == .pcmS8 { throw AudioError.invalidFormat(file: url.path, reason: "WAV stores 8-bit PCM unsigned (use .pcmU8)") }
        try write(samples, sampleRate: sampleRate, channels: channels, format: Int32(SF_FORMAT_WAV) | encoding.subtype, to: url)
    }

    /// Writes a FLAC file (16-bit by default; `.pcmS8`, `.pcm16` or `.pcm24`).
    public static func writeFLAC(_ samples: [Float], sampleRate: Int, channels: Int = 1, encoding: SampleEncoding = .pcm16, to url: URL) throws {
        guard [.pcmS8, .pcm16, .pcm24].contains(encoding) else {
            throw AudioError.invalidFormat(file: url.path, reason: "FLAC stores 8, 16 or 24-bit PCM, not \(encoding.rawValue)")
        }
        try write(samples, sampleRate: sampleRate, channels: channels, format: Int32(SF_FORMAT_FLAC) | encoding.subtype, to: url)
    }

    /// Writes an OGG/Vorbis file (lossy).
    public static func writeOggVorbis(_ samples: [Float], sampleRate: Int, channels: Int = 1, to url: URL) throws {
        try write(samples, sampleRate: sampleRate, channels: channels, format: Int32(SF_FORMAT_OGG) | Int32(SF_FORMAT_VORBIS), to: url)
    }

    private static func write(_ samples: [Float], sampleRate: Int, channels: Int, format: Int32, to url: URL) throws {
        let path = url.path
        guard sampleRate > 0, sampleRate <= 10_000_000, channels > 0, channels <= 1024, samples.count % channels == 0 else {
            throw AudioError.invalidFormat(file: path, reason: "\(samples.count) samples in \(channels) channels at \(sampleRate) Hz")
        }
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = format
        guard sf_format_check(&info) != 0 else {
            throw AudioError.invalidFormat(file: path, reason: "this container cannot store that encoding, rate or channel count")
        }
        guard let handle = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw AudioError.writeFailed(file: path, reason: String(cString: sf_strerror(nil)))
        }
        defer { sf_close(handle) }
        sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        let frames = samples.count / channels
        let written = samples.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frames)) }
        guard written == frames else {
            throw AudioError.writeFailed(file: path, reason: String(cString: sf_strerror(handle)))
        }
    }
}
