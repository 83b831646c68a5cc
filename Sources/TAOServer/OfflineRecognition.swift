import Foundation
import TAOAudio
import TAOToolkit

/// `POST /v1/asr:recognize`: the audio is the body (a WAV/FLAC/OGG file, or raw PCM described by `encoding` and
/// `sample_rate_hertz` query parameters), or JSON `{"config": {...}, "audio": "<base64>"}`.
///
/// The audio is decoded block by block, resampled and cut into utterances as it is read (the same cuts a stream
/// of this audio gets), and each utterance is recognized while the next is read, a few at a time: memory is flat
/// in the audio's length beyond the request body itself.
struct OfflineRecognition {
    let service: SpeechService
    let configuration: ServerConfiguration

    /// Utterances recognized at once per request.
    static let inFlight = 4

    func respond(body: [UInt8], contentType: String?, query: [String: String]) async throws -> RecognitionResponse {
        var config = RecognitionConfig()
        var audio = body
        if isJSON(body, contentType: contentType) {
            let request = try JSONObject(parsing: Data(body), name: "request body")
            try request.checkKeys(["config", "audio"])
            if let object = try request.object("config") { config = try RecognitionConfig(json: object) }
            guard let text = try request.string("audio") else {
                throw ServerError.invalidArgument("request body: 'audio' is missing (base64 of the audio file or raw samples)")
            }
            audio = try Self.decodeBase64(text)
        }
        try config.apply(query: query)
        guard !audio.isEmpty else { throw ServerError.invalidArgument("request body: no audio") }
        let plan = try RecognitionPlan(config: config, repository: service.repository)
        return try await recognize(audio, plan: plan)
    }

    /// Standard base64 (RFC 4648 section 4) with whitespace and line breaks allowed and padding optional. Any other
    /// character is an error, not dropped: dropping URL-safe '-' and '_' would shift the bytes after them. One pass
    /// over the text's bytes (a 60 MB body is decoded in a fraction of a second).
    static func decodeBase64(_ text: String) throws -> [UInt8] {
        var text = text
        return try text.withUTF8 { bytes in try sextets.withUnsafeBufferPointer { try decodeBase64(bytes, sextets: $0) } }
    }

    /// The value of each byte as a base64 digit (0-63); `padding` for '=', `space` for whitespace, `invalid` for the rest.
    private static let (padding, space, invalid): (UInt8, UInt8, UInt8) = (64, 65, 255)
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { table[Int(byte)] = UInt8(value) }
        table[Int(UInt8(ascii: "="))] = padding
        for byte in [0x20, 0x09, 0x0A, 0x0D] { table[byte] = space }
        return table
    }()

    private static func decodeBase64(_ bytes: UnsafeBufferPointer<UInt8>, sextets: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 4 * 3 + 2)
        // The digits of the group being read, and how many; '=' seen so far (only more '=' and whitespace may follow).
        var group: UInt32 = 0, digits = 0, pads = 0
        for offset in bytes.indices {
            // A digit, '=', an error, or whitespace (skipped).
            let value = sextets[Int(bytes[offset])]
            if value < padding {
                guard pads == 0 else { throw misplacedPadding }
                group = group << 6 | UInt32(value)
                digits += 1
                if digits == 4 {
                    output.append(UInt8(truncatingIfNeeded: group >> 16))
                    output.append(UInt8(truncatingIfNeeded: group >> 8))
                    output.append(UInt8(truncatingIfNeeded: group))
                    group = 0
                    digits = 0
                }
            } else if value == padding {
                pads += 1
            } else if value == invalid {
                let byte = bytes[offset]
                let shown = byte < 0x80 ? "'\(Character(Unicode.Scalar(byte)))'" : String(format: "byte 0x%02X", byte)
                throw ServerError.invalidArgument("request body: 'audio' is not standard base64: \(shown) at offset \(offset) "
                                                  + "(use A-Z, a-z, 0-9, '+' and '/'; URL-safe '-' and '_' are not accepted)")
            }
        }
        // The last group: 2 digits make a byte and 3 make two, with at most the '=' that complete the group.
        switch (digits, pads) {
        case (0, 0): break
        case (2, 0...2): output.append(UInt8(truncatingIfNeeded: group >> 4))
        case (3, 0...1):
            output.append(UInt8(truncatingIfNeeded: group >> 10))
            output.append(UInt8(truncatingIfNeeded: group >> 2))
        default: throw misplacedPadding
        }
        return output
    }

    private static let misplacedPadding = ServerError.invalidArgument(
        "request body: 'audio' is not standard base64 (misplaced '=' padding or a truncated last group)")

    private func isJSON(_ body: [UInt8], contentType: String?) -> Bool {
        if let contentType, contentType.lowercased().hasPrefix("application/json") { return true }
        return body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{")
    }

    private func recognize(_ audio: [UInt8], plan: RecognitionPlan) async throws -> RecognitionResponse {
        let raw = try plan.config.rawFormat(field: "config")
        var audio = audio
        // A WAV file sent with a raw encoding: its header is checked against the config and skipped, as in a stream,
        // not decoded as samples.
        if let raw, audio.starts(with: Array("RIFF".utf8)) {
            guard let start = try WAVHeader.dataOffset(audio, expected: raw, name: "request audio") else {
                throw ServerError.invalidArgument("request audio: a WAV header without a complete fmt and data chunk")
            }
            audio.removeFirst(start)
        }
        let reader: AudioReader
        do {
            reader = try AudioReader(bytes: audio, name: "request audio", raw: raw)
        } catch let AudioError.notAudio(file, reason) where raw == nil {
            // The file reader's own hint speaks of files; a request gives the raw format by its fields.
            throw ServerError.invalidArgument("\(file): not an audio file: \(reason) (WAV, FLAC and OGG are recognized; "
                                              + "for raw PCM give encoding=LINEAR_PCM|MULAW|ALAW and sample_rate_hertz)")
        } catch {
            throw ServerError.invalidArgument("\(error)")
        }
        let info = reader.info
        // Before the duration, which an absurd rate makes absurd too (a 1 Hz file's few samples last minutes).
        guard RecognitionConfig.sampleRates.contains(info.sampleRate) else {
            throw ServerError.invalidArgument("request audio: its sample rate, \(info.sampleRate) Hz, is outside the "
                                              + "\(RecognitionConfig.sampleRates) Hz this server takes")
        }
        if info.duration > configuration.maxAudioSeconds {
            throw ServerError.tooLarge(String(format: "the audio is %.1f s; this server takes at most %.0f s per request (stream longer audio)",
                                              info.duration, configuration.maxAudioSeconds))
        }
        let rate = plan.model.recognizer.sampleRate
        let converter = try SampleRateConverter(from: info.sampleRate, to: rate)
        var segmenter = SpeechSegmenter(config: EndpointingConfig(), sampleRate: rate, maxSegmentSeconds: configuration.maxSegmentSeconds)
        // Refused now when the queue is full or too far behind; once in, none of its clips is refused.
        let admitted = try service.queue.admitRequest(audioSeconds: info.duration, deadline: configuration.requestTimeout)
        defer { admitted() }
        let arrival = Date()
        let results = try await withThrowingTaskGroup(of: (Int, RecognitionResult).self) { group in
            var collected: [(Int, RecognitionResult)] = [], submitted = 0
            func submit(_ segments: [SpeechSegmenter.Segment]) async throws {
                for segment in segments {
                    if submitted - collected.count >= Self.inFlight, let done = try await group.next() { collected.append(done) }
                    let index = submitted
                    group.addTask { (index, try await service.finalResult(for: segment, plan: plan, streaming: false, since: arrival)) }
                    submitted += 1
                }
            }
            while true {
                let block: [Float]
                do {
                    block = try reader.read(maxFrames: 32_768, channels: .mixdown)
                } catch {
                    // The reader's errors name the audio ("request audio: truncated ...").
                    throw ServerError.invalidArgument(error is AudioError ? "\(error)" : "request audio: \(error)")
                }
                if block.isEmpty { break }
                if let bad = block.firstIndex(where: { !$0.isFinite }) {
                    throw ServerError.invalidArgument("request audio: sample \(reader.framesRead - block.count + bad) is not a finite number")
                }
                try await submit(segmenter.append(try converter.process(block)))
            }
            guard reader.framesRead > 0 else { throw ServerError.invalidArgument("request audio: no samples") }
            try await submit(segmenter.append(try converter.finish()))
            try await submit([segmenter.finish()].compactMap { $0 })
            while let done = try await group.next() { collected.append(done) }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        service.metrics.recordAudio(seconds: converter.inputSeconds, mode: "offline")
        return RecognitionResponse(results: results)
    }
}
