import Foundation
import TAOAudio
import TAOToolkit

/// Riva's `RecognitionConfig`, as JSON with Riva's field names (snake_case).
struct RecognitionConfig: Sendable, Equatable {
    /// The audio rates the service resamples from, Hz (files, raw PCM and streams alike).
    static let sampleRates = 4000...192_000

    /// Riva's `AudioEncoding`s tao accepts. Containers (WAV, FLAC, OGG) are recognized from their bytes; the raw
    /// ones must be named, with a sample rate.
    enum Encoding: String, Sendable, CaseIterable {
        case linearPCM = "LINEAR_PCM", mulaw = "MULAW", alaw = "ALAW", flac = "FLAC", oggOpus = "OGGOPUS"

        /// The layout of raw samples of this encoding (nil for containers).
        var rawSampleEncoding: SampleEncoding? {
            switch self {
            case .linearPCM: .pcm16
            case .mulaw: .ulaw
            case .alaw: .alaw
            case .flac, .oggOpus: nil
            }
        }

        /// The API's name of a raw sample layout (LINEAR_PCM, not the internal s16) for messages.
        static func name(of sampleEncoding: SampleEncoding) -> String {
            allCases.first { $0.rawSampleEncoding == sampleEncoding }?.rawValue ?? sampleEncoding.rawValue
        }
    }

    /// Raw audio's encoding; nil when the audio is a container file.
    var encoding: Encoding?
    /// Raw audio's sample rate in Hz (a container's own rate wins).
    var sampleRateHertz: Int?
    var audioChannelCount: Int = 1
    var languageCode: String = "en-US"
    var maxAlternatives: Int = 1
    var enableWordTimeOffsets: Bool = false
    var enableAutomaticPunctuation: Bool = false
    var speechContexts: [SpeechContext] = []
    /// A model name from `/v1/models`; empty for the default speech model.
    var model: String = ""
    /// tao's decoding switches: `decoder` (greedy|beam), `beam_width`, `alpha`, `beta`, `hotword_weight`.
    var customConfiguration: [String: String] = [:]

    /// Phrases to favour and their boost (Riva's `SpeechContext`).
    struct SpeechContext: Sendable, Equatable {
        var phrases: [String]
        var boost: Double
    }

    static let fields: Set<String> = [
        "encoding", "sample_rate_hertz", "audio_channel_count", "language_code", "max_alternatives",
        "enable_word_time_offsets", "enable_automatic_punctuation", "speech_contexts", "model", "custom_configuration",
        "profanity_filter", "verbatim_transcripts", "enable_separate_recognition_per_channel", "diarization_config",
    ]

    init() {}

    /// Reads a JSON `config` object; every field optional.
    init(json: JSONObject) throws {
        try json.checkKeys(Self.fields)
        if let name = try json.string("encoding"), !name.isEmpty, name != "ENCODING_UNSPECIFIED" {
            guard let encoding = Encoding(rawValue: name.uppercased()) else {
                throw ServerError.invalidArgument("\(json.field("encoding")): '\(clipped(name))' is not one of "
                                                  + Encoding.allCases.map(\.rawValue).joined(separator: ", "))
            }
            self.encoding = encoding
        }
        sampleRateHertz = try json.int("sample_rate_hertz", in: 0...384_000).flatMap { $0 == 0 ? nil : $0 }
        audioChannelCount = try json.int("audio_channel_count", in: 0...8).map { max($0, 1) } ?? 1
        languageCode = try json.string("language_code") ?? "en-US"
        maxAlternatives = try json.int("max_alternatives", in: 0...32).map { max($0, 1) } ?? 1
        enableWordTimeOffsets = try json.bool("enable_word_time_offsets") ?? false
        enableAutomaticPunctuation = try json.bool("enable_automatic_punctuation") ?? false
        model = try json.string("model") ?? ""
        customConfiguration = try json.stringMap("custom_configuration") ?? [:]
        for (index, value) in (try json.array("speech_contexts") ?? []).enumerated() {
            let context = try JSONObject(value, path: json.field("speech_contexts[\(index)]"))
            try context.checkKeys(["phrases", "boost"])
            speechContexts.append(SpeechContext(phrases: try context.strings("phrases") ?? [],
                                                boost: try context.double("boost", in: -100...100) ?? 10))
        }
        if !languageCode.isEmpty, !languageCode.lowercased().hasPrefix("en") {
            throw ServerError.invalidArgument("\(json.field("language_code")): '\(clipped(languageCode))' is not served (the models are English: en-US)")
        }
    }

    /// Applies query parameters of `POST /v1/asr:recognize` (same names as the JSON fields) over this config.
    mutating func apply(query: [String: String]) throws {
        var object: [String: Any] = [:]
        for (key, value) in query where key != "api_key" {
            switch key {
            case "sample_rate_hertz", "audio_channel_count", "max_alternatives": object[key] = value
            case "enable_word_time_offsets", "enable_automatic_punctuation":
                guard let flag = ["true": true, "1": true, "false": false, "0": false][value.lowercased()] else {
                    throw ServerError.invalidArgument("query parameter \(key): expected true or false, got '\(clipped(value))'")
                }
                object[key] = flag
            case "encoding", "language_code", "model": object[key] = value
            default:
                if key.hasPrefix("custom_configuration.") {
                    customConfiguration[String(key.dropFirst("custom_configuration.".count))] = value
                    continue
                }
                let known = Self.fields.filter { !["speech_contexts", "custom_configuration"].contains($0) }
                let nearest = Suggestions.nearest(to: key, in: known.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
                throw ServerError.invalidArgument("query parameter '\(clipped(key))' is unknown\(nearest)")
            }
        }
        let parsed = try RecognitionConfig(json: JSONObject(object, path: "query"))
        if parsed.encoding != nil { encoding = parsed.encoding }
        if parsed.sampleRateHertz != nil { sampleRateHertz = parsed.sampleRateHertz }
        if object["audio_channel_count"] != nil { audioChannelCount = parsed.audioChannelCount }
        if object["max_alternatives"] != nil { maxAlternatives = parsed.maxAlternatives }
        if object["enable_word_time_offsets"] != nil { enableWordTimeOffsets = parsed.enableWordTimeOffsets }
        if object["enable_automatic_punctuation"] != nil { enableAutomaticPunctuation = parsed.enableAutomaticPunctuation }
        if object["language_code"] != nil { languageCode = parsed.languageCode }
        if object["model"] != nil { model = parsed.model }
    }

    /// The raw PCM layout this config describes, or nil when the audio is a container (or the encoding is FLAC/OGG).
    func rawFormat(field: String) throws -> RawPCMFormat? {
        guard let sampleEncoding = encoding?.rawSampleEncoding else { return nil }
        guard let rate = sampleRateHertz else {
            throw ServerError.invalidArgument("\(field): raw \(encoding?.rawValue ?? "") audio needs sample_rate_hertz")
        }
        guard Self.sampleRates.contains(rate) else {
            throw ServerError.invalidArgument("\(field): sample_rate_hertz \(rate) is outside \(Self.sampleRates) Hz")
        }
        return RawPCMFormat(encoding: sampleEncoding, sampleRate: rate, channels: audioChannelCount)
    }
}
