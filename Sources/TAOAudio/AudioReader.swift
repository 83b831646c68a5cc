import CSndFile
import Foundation

/// Which channel of a multichannel file becomes the mono signal.
public enum ChannelSelection: Sendable, Equatable {
    /// The average of all channels.
    case mixdown
    /// One channel, numbered from 0.
    case channel(Int)
}

/// Reads a sound file block by block as mono float samples in [-1, 1) (integer PCM is scaled by 1/2^(bits-1)).
///
/// Only one block of interleaved samples is in memory at a time, so a long file is never held twice.
/// Not thread-safe: use one reader per thread.
public final class AudioReader {
    /// The header's description of the file.
    public let info: AudioFileInfo
    /// The path or name used in error messages.
    public let name: String
    /// Size of the encoded file in bytes, when known.
    public let byteCount: Int?
    private let handle: OpaquePointer
    /// Keeps in-memory bytes alive while libsndfile reads them.
    private let source: ByteSource?
    private var interleaved: [Float] = []
    /// Frames read so far.
    public private(set) var framesRead = 0

    /// Opens a file; `raw` describes headerless PCM (otherwise the format comes from the header).
    public init(url: URL, raw: RawPCMFormat? = nil) throws {
        let path = url.path
        name = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AudioError.fileNotFound(file: path)
        }
        if isDirectory.boolValue { throw AudioError.unreadable(file: path, reason: "it is a directory") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        byteCount = size
        if size == 0 { throw AudioError.emptyFile(file: path) }
        try raw?.validate(file: path, byteCount: size)
        var sfInfo = raw?.soundFileInfo ?? SF_INFO()
        let handle: OpaquePointer
        switch SoundFileOpening.open({ sf_open(path, Int32(SFM_READ), &sfInfo) }) {
        case let .success(opened): handle = opened
        case let .failure(failure):
            let start = (try? FileHandle(forReadingFrom: url).read(upToCount: 4096)).flatMap { $0.map { [UInt8]($0) } } ?? []
            throw Self.openError(failure, file: path, size: size, start: start)
        }
        self.handle = handle
        source = nil
        info = AudioFileInfo(sfInfo)
        try checkHeader()
    }

    /// Opens audio held in memory (a request body, a download); `name` is used in error messages.
    public init(bytes: [UInt8], name: String, raw: RawPCMFormat? = nil) throws {
        self.name = name
        byteCount = bytes.count
        if bytes.isEmpty { throw AudioError.emptyFile(file: name) }
        try raw?.validate(file: name, byteCount: bytes.count)
        let source = ByteSource(bytes)
        var sfInfo = raw?.soundFileInfo ?? SF_INFO()
        var io = ByteSource.virtualIO
        let handle: OpaquePointer
        switch SoundFileOpening.open({ sf_open_virtual(&io, Int32(SFM_READ), &sfInfo, Unmanaged.passUnretained(source).toOpaque()) }) {
        case let .success(opened): handle = opened
        case let .failure(failure): throw Self.openError(failure, file: name, size: bytes.count, start: Array(bytes.prefix(4096)))
        }
        self.handle = handle
        self.source = source
        info = AudioFileInfo(sfInfo)
        try checkHeader()
    }

    deinit { sf_close(handle) }

    /// Reads up to `maxFrames` frames and returns them as mono samples; an empty array means the end of the file.
    /// Throws on a decoding error, a non-finite sample, or a file shorter than its header says.
    public func read(maxFrames: Int = 65_536, channels selection: ChannelSelection = .mixdown) throws -> [Float] {
        if case let .channel(index) = selection, !(0..<info.channels).contains(index) {
            throw AudioError.noSuchChannel(file: name, channel: index, channels: info.channels)
        }
        let block = try readInterleaved(maxFrames: maxFrames)
        return block.withUnsafeBufferPointer {
            Self.mono(from: $0, frames: block.count / info.channels, channels: info.channels, selection: selection)
        }
    }

    /// Reads up to `maxFrames` frames as interleaved samples (`channels` per frame); empty at the end of the file.
    public func readInterleaved(maxFrames: Int = 65_536) throws -> [Float] {
        let channelCount = info.channels
        // At most 2^20 samples (4 MB) per block, whatever the channel count a header claims.
        let frames = max(1, min(maxFrames, (1 << 20) / channelCount))
        if interleaved.count < frames * channelCount { interleaved = [Float](repeating: 0, count: frames * channelCount) }
        let got = Int(interleaved.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress, sf_count_t(frames)) })
        if got <= 0 {
            try checkEnd()
            return []
        }
        let block = Array(interleaved[0..<(got * channelCount)])
        if let bad = block.firstIndex(where: { !$0.isFinite }) {
            throw AudioError.nonFiniteSample(file: name, index: framesRead + bad / channelCount)
        }
        framesRead += got
        return block
    }

    /// Mixes `frames` interleaved frames down to one channel or picks one channel.
    private static func mono(from block: UnsafeBufferPointer<Float>, frames: Int, channels: Int, selection: ChannelSelection) -> [Float] {
        if channels == 1 { return Array(block[0..<frames]) }
        return [Float](unsafeUninitializedCapacity: frames) { out, count in
            switch selection {
            case let .channel(index):
                for frame in 0..<frames { out[frame] = block[frame * channels + index] }
            case .mixdown:
                let scale = 1 / Float(channels)
                for frame in 0..<frames {
                    var sum: Float = 0
                    for channel in 0..<channels { sum += block[frame * channels + channel] }
                    out[frame] = sum * scale
                }
            }
            count = frames
        }
    }

    /// At the end of the data: a decoder error or a short read is an error.
    private func checkEnd() throws {
        let code = sf_error(handle)
        if code != 0 {
            throw AudioError.corrupt(file: name, reason: String(cString: sf_strerror(handle)))
        }
        if info.lengthIsExact, framesRead < info.frames {
            throw AudioError.truncated(file: name, expectedFrames: info.frames, readFrames: framesRead)
        }
    }

    private func checkHeader() throws {
        guard info.sampleRate > 0 else { throw AudioError.corrupt(file: name, reason: "sample rate \(info.sampleRate) Hz in the header") }
        guard info.channels > 0, info.channels <= 1024 else {
            throw AudioError.corrupt(file: name, reason: "\(info.channels) channels in the header")
        }
        guard info.frames >= 0 else { throw AudioError.corrupt(file: name, reason: "negative length in the header") }
        if let announced = announcedFramesBeyondEnd() {
            throw AudioError.truncated(file: name, expectedFrames: announced, readFrames: info.frames)
        }
    }

    /// libsndfile repairs a WAV or AIFF whose data chunk runs past the end of the file and says so only in its log
    /// ("data : 32000 (should be 16000)"); tao refuses such a file rather than silently using part of an utterance.
    /// Returns the frame count the header announced.
    private func announcedFramesBeyondEnd() -> Int? {
        var log = [CChar](repeating: 0, count: 8192)
        let length = sf_command(handle, Int32(SFC_GET_LOG_INFO), &log, Int32(log.count - 1))
        guard length > 0 else { return nil }
        let text = log.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        for line in text.split(separator: "\n") where line.hasPrefix("data") || line.hasPrefix("SSND") {
            guard let open = line.range(of: "(should be ") else { continue }
            let announced = Int(line[..<open.lowerBound].split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "")
            let actual = Int(line[open.upperBound...].prefix { $0.isNumber })
            if let announced, let actual, actual > 0, announced > actual {
                return Int((Double(info.frames) * Double(announced) / Double(actual)).rounded())
            }
        }
        return nil
    }

    /// Maps libsndfile's open failure to a typed error; `start` holds the file's first bytes.
    private static func openError(_ failure: SoundFileOpening.Failure, file: String, size: Int?, start: [UInt8]) -> AudioError {
        var reason = failure.message
        // libsndfile's words for a header it cannot use (a sample rate of 0, over 1024 channels) speak of its own struct.
        if reason.contains("SF_INFO struct incomplete") {
            reason = "the header's sample rate, channel count or length is out of range (a rate of 0 Hz, over 1024 channels)"
        }
        if let tag = unsupportedWAVTag(start) {
            return .unsupported(file: file, reason: "WAV format tag 0x\(String(tag, radix: 16)) (a codec libsndfile cannot decode)")
        }
        switch failure.code {
        case SF_ERR_UNRECOGNISED_FORMAT: return .notAudio(file: file, reason: reason)
        case SF_ERR_SYSTEM: return .unreadable(file: file, reason: reason)
        case SF_ERR_UNSUPPORTED_ENCODING: return .unsupported(file: file, reason: reason)
        case SF_ERR_MALFORMED_FILE: return .corrupt(file: file, reason: reason)
        default:
            if reason.lowercased().contains("unsupported") || reason.lowercased().contains("unimplemented") {
                return .unsupported(file: file, reason: reason)
            }
            if let size, size < 64 { return .notAudio(file: file, reason: reason) }
            return .corrupt(file: file, reason: reason)
        }
    }

    /// libsndfile reports a WAV whose codec it does not know (WMA, AAC, ...) as malformed; this finds the format tag
    /// of such a file so the error can say what it is.
    private static func unsupportedWAVTag(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else { return nil }
        // PCM, MS ADPCM, float, A-law, mu-law, IMA ADPCM, GSM 6.10, G.721, MPEG, MP3, extensible.
        let decodable: Set<Int> = [0x1, 0x2, 0x3, 0x6, 0x7, 0x11, 0x31, 0x40, 0x50, 0x55, 0xFFFE]
        var offset = 12
        while offset + 10 <= bytes.count {
            let size = (0..<4).reduce(0) { $0 | Int(bytes[offset + 4 + $1]) << (8 * $1) }
            if bytes[offset..<(offset + 4)].elementsEqual("fmt ".utf8) {
                let tag = Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8
                return decodable.contains(tag) ? nil : tag
            }
            offset += 8 + size + (size & 1)
        }
        return nil
    }
}

/// In-memory bytes served to libsndfile through its virtual I/O callbacks.
final class ByteSource {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func from(_ userData: UnsafeMutableRawPointer?) -> ByteSource {
        Unmanaged<ByteSource>.fromOpaque(userData!).takeUnretainedValue()
    }

    /// The callbacks libsndfile calls; `user_data` is an unretained `ByteSource`.
    static var virtualIO: SF_VIRTUAL_IO {
        SF_VIRTUAL_IO(
            get_filelen: { sf_count_t(ByteSource.from($0).bytes.count) },
            seek: { offset, whence, userData in
                let source = ByteSource.from(userData)
                let base: Int
                switch whence {
                case SEEK_CUR: base = source.position
                case SEEK_END: base = source.bytes.count
                default: base = 0
                }
                let (target, overflow) = base.addingReportingOverflow(Int(offset))
                guard !overflow, target >= 0 else { return -1 }
                source.position = target
                return sf_count_t(target)
            },
            read: { pointer, count, userData in
                let source = ByteSource.from(userData)
                guard let pointer, count > 0, source.position < source.bytes.count else { return 0 }
                let n = min(Int(count), source.bytes.count - source.position)
                source.bytes.withUnsafeBytes { all in
                    pointer.copyMemory(from: all.baseAddress! + source.position, byteCount: n)
                }
                source.position += n
                return sf_count_t(n)
            },
            write: { _, _, _ in 0 },
            tell: { sf_count_t(ByteSource.from($0).position) }
        )
    }
}
