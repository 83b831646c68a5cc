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
        guard (4000...192_000).contains(rate) else {
            throw ServerError.invalidArgument("streaming_config.config.sample_rate_hertz: \(rate) Hz is outside 4000...192000 Hz")
        }
        guard let format = try config.rawFormat(field: "streaming_config.config") else {
            throw ServerError.invalidArgument("streaming_config.config.encoding: not a raw encoding")
        }
        audioFormat = format
    }
}

/// Turns binary messages of raw PCM into mono samples: a message may end inside a sample frame; the rest waits
/// for the next message.
struct RawAudioDecoder {
    let format: RawPCMFormat
    private var pending: [UInt8] = []

    init(format: RawPCMFormat) { self.format = format }

    var frameBytes: Int { format.encoding.bytesPerSample * format.channels }

    mutating func decode(_ bytes: [UInt8]) throws -> [Float] {
        pending += bytes
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
