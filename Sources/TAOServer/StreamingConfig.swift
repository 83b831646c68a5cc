import Foundation
import TAOAudio

/// The first message of a stream: `{"streaming_config": {"config": {...}, "interim_results": true,
/// "endpointing_config": {...}}}` (Riva's `StreamingRecognitionConfig`).
struct StreamingConfig: Sendable {
    var config: RecognitionConfig
    var interimResults: Bool
    var endpointing: EndpointingConfig
    /// The layout of the binary audio messages.
    var audioFormat: RawPCMFormat

    init(json: JSONObject) throws {
        try json.checkKeys(["streaming_config"])
        guard let streaming = try json.object("streaming_config") else {
            throw ServerError.invalidArgument("the first message must be {\"streaming_config\": {\"config\": {...}}}")
        }
        try streaming.checkKeys(["config", "interim_results", "endpointing_config"])
        config = try streaming.object("config").map(RecognitionConfig.init(json:)) ?? RecognitionConfig()
        interimResults = try streaming.bool("interim_results") ?? false
        endpointing = try streaming.object("endpointing_config").map(EndpointingConfig.init(json:)) ?? EndpointingConfig()
        if let encoding = config.encoding, encoding.rawSampleEncoding == nil {
            throw ServerError.invalidArgument("streaming_config.config.encoding: streams take raw LINEAR_PCM, MULAW or ALAW audio, not \(encoding.rawValue)")
        }
        if config.encoding == nil { config.encoding = .linearPCM }
        guard let rate = config.sampleRateHertz else {
            throw ServerError.invalidArgument("streaming_config.config.sample_rate_hertz is required (the rate of the binary audio messages)")
        }
        guard RecognitionConfig.sampleRates.contains(rate) else {
            throw ServerError.invalidArgument("streaming_config.config.sample_rate_hertz: \(rate) Hz is outside \(RecognitionConfig.sampleRates) Hz")
        }
        guard let format = try config.rawFormat(field: "streaming_config.config") else {
            throw ServerError.invalidArgument("streaming_config.config.encoding: not a raw encoding")
        }
        audioFormat = format
    }
}

/// Turns binary messages of raw PCM into mono samples: a message may end inside a sample frame; the rest waits
/// for the next message. A stream may also start with a WAV header (a client sending a file as it is): it is
/// checked against the config and skipped.
struct RawAudioDecoder {
    let format: RawPCMFormat
    private var pending: [UInt8] = []
    private var headerChecked = false

    init(format: RawPCMFormat) { self.format = format }

    var frameBytes: Int { format.encoding.bytesPerSample * format.channels }

    mutating func decode(_ bytes: [UInt8]) throws -> [Float] {
        pending += bytes
        if !headerChecked {
            let riff = Array("RIFF".utf8)
            if pending.count < 4 && Array(riff.prefix(pending.count)) == pending { return [] }
            if pending.starts(with: riff) {
                guard let dataStart = try WAVHeader.dataOffset(pending, expected: format) else {
                    if pending.count > 65_536 { throw ServerError.invalidArgument("stream audio: a WAV header without a data chunk in its first 64 KB") }
                    return []
                }
                pending.removeFirst(dataStart)
            }
            headerChecked = true
        }
        let usable = pending.count / frameBytes * frameBytes
        guard usable > 0 else { return [] }
        let chunk = Array(pending[0..<usable])
        pending.removeFirst(usable)
        let reader = try AudioReader(bytes: chunk, name: "stream audio", raw: format)
        var samples: [Float] = []
        while true {
            let block = try reader.read(maxFrames: 65_536, channels: .mixdown)
            if block.isEmpty { break }
            samples += block
        }
        return samples
    }
}

/// The parts of a RIFF/WAVE header a stream needs: where the samples start, and whether the format is the one
/// the stream's config announced.
enum WAVHeader {
    /// The offset of the `data` chunk's samples, nil when the header is not complete yet; throws when the header
    /// is not WAVE or its format differs from `expected`. `name` says whose audio it is in messages.
    static func dataOffset(_ bytes: [UInt8], expected: RawPCMFormat, name: String = "stream audio") throws -> Int? {
        guard bytes.count >= 12 else { return nil }
        guard Array(bytes[8..<12]) == Array("WAVE".utf8) else {
            throw ServerError.invalidArgument("\(name): starts with RIFF but is not a WAVE file")
        }
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            let size = Int(littleEndian32(bytes, offset + 4))
            if id == "data" { return offset + 8 }
            if id == "fmt " {
                guard offset + 8 + 16 <= bytes.count else { return nil }
                try check(bytes, at: offset + 8, expected: expected, name: name)
            }
            offset += 8 + size + (size & 1)
        }
        return nil
    }

    private static func check(_ bytes: [UInt8], at start: Int, expected: RawPCMFormat, name: String) throws {
        let tag = Int(bytes[start]) | Int(bytes[start + 1]) << 8
        let channels = Int(bytes[start + 2]) | Int(bytes[start + 3]) << 8
        let rate = Int(littleEndian32(bytes, start + 4))
        let bits = Int(bytes[start + 14]) | Int(bytes[start + 15]) << 8
        let encoding: SampleEncoding? = switch (tag, bits) {
        case (1, 16), (0xFFFE, 16): .pcm16
        case (7, 8): .ulaw
        case (6, 8): .alaw
        default: nil
        }
        guard encoding == expected.encoding, channels == expected.channels, rate == expected.sampleRate else {
            let format = encoding.map { RecognitionConfig.Encoding.name(of: $0) } ?? "format \(tag), \(bits) bits"
            throw ServerError.invalidArgument("\(name): the WAV header says \(format), \(channels) channels, \(rate) Hz; the config says "
                                              + "\(RecognitionConfig.Encoding.name(of: expected.encoding)), \(expected.channels) channels, "
                                              + "\(expected.sampleRate) Hz (make the config's encoding, audio_channel_count and sample_rate_hertz match "
                                              + "the header; an offline request may instead leave encoding out to use the header)")
        }
    }

    private static func littleEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }
}
