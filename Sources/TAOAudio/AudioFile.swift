import CSndFile
import Foundation

/// A mono signal and its sample rate.
public struct AudioClip: Sendable, Equatable {
    /// Samples in [-1, 1) for integer sources (float sources may exceed it).
    public var samples: [Float]
    /// Samples per second, in Hz.
    public var sampleRate: Int

    /// A clip of `samples` at `sampleRate` Hz.
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

    /// Mixdown, any rate, any length unless told otherwise.
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

    /// Reads a file as mono and resamples it to `sampleRate` Hz (high-quality libsoxr) when it differs. Blocks are
    /// resampled as they are read, so the signal at the file's rate is never held whole.
    public static func read(_ url: URL, resamplingTo sampleRate: Int, raw: RawPCMFormat? = nil, options: AudioReadOptions = .init()) throws -> AudioClip {
        try read(from: AudioReader(url: url, raw: raw), options: options, resamplingTo: sampleRate)
    }

    /// Drains `reader` block by block, enforcing the options, resampling each block to `targetRate` Hz if given.
    static func read(from reader: AudioReader, options: AudioReadOptions, resamplingTo targetRate: Int? = nil) throws -> AudioClip {
        let info = reader.info
        if let allowed = options.allowedSampleRates, !allowed.contains(info.sampleRate) {
            throw AudioError.sampleRateNotAllowed(file: reader.name, sampleRate: info.sampleRate,
                                                  allowed: allowed.map { "\($0) Hz" }.joined(separator: ", "))
        }
        let limitFrames = options.maxDuration.map { Int(min($0 * Double(info.sampleRate), Double(Int.max / 2))) }
        if let limit = options.maxDuration, let limitFrames, info.frames > limitFrames {
            throw AudioError.tooLong(file: reader.name, seconds: info.duration, limit: limit)
        }
        let outputRate = targetRate ?? info.sampleRate
        let resampler = outputRate == info.sampleRate
            ? nil : try Resampler(from: Double(info.sampleRate), to: Double(outputRate), file: reader.name)
        var samples: [Float] = []
        // Reserve the announced length once, so the samples are not copied while the array grows; but a header may
        // lie, so never more than 16 samples per encoded byte (no codec here compresses further) or 2^22 samples.
        let plausible = max(1 << 22, 16 * (reader.byteCount ?? 0))
        let announced = Double(min(info.frames, plausible)) * Double(outputRate) / Double(info.sampleRate)
        samples.reserveCapacity(Int(announced) + 64)
        var framesRead = 0
        while true {
            let block = try reader.read(maxFrames: 65_536, channels: options.channels)
            if block.isEmpty { break }
            framesRead += block.count
            if let limit = options.maxDuration, let limitFrames, framesRead > limitFrames {
                throw AudioError.tooLong(file: reader.name, seconds: Double(framesRead) / Double(info.sampleRate), limit: limit)
            }
            samples += try resampler?.process(block) ?? block
        }
        if framesRead == 0 { throw AudioError.zeroLength(file: reader.name) }
        if let resampler {
            // The filter's tail, then exactly round(frames * out / in) samples, as the one-shot resampler gives.
            samples += try resampler.flush()
            let expected = Int((Double(framesRead) * Double(outputRate) / Double(info.sampleRate)).rounded())
            if samples.count > expected { samples.removeLast(samples.count - expected) }
        }
        return AudioClip(samples: samples, sampleRate: outputRate)
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
        // Written under a temporary name beside the file, then renamed over it: a reader (or a killed run) never
        // meets half a file where a whole one was.
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp").path
        let handle: OpaquePointer
        switch SoundFileOpening.open({ sf_open(temporary, Int32(SFM_WRITE), &info) }) {
        case let .success(opened): handle = opened
        case let .failure(failure): throw AudioError.writeFailed(file: path, reason: failure.message)
        }
        sf_command(handle, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        let frames = samples.count / channels
        let written = samples.withUnsafeBufferPointer { sf_writef_float(handle, $0.baseAddress, sf_count_t(frames)) }
        let failure = written == frames ? nil : String(cString: sf_strerror(handle))
        sf_write_sync(handle)
        let closed = sf_close(handle) == 0
        guard failure == nil, closed, rename(temporary, path) == 0 else {
            let reason = failure ?? String(cString: strerror(errno))
            unlink(temporary)
            throw AudioError.writeFailed(file: path, reason: reason)
        }
    }
}
