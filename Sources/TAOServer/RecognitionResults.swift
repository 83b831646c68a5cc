import Foundation
import TAOToolkit

/// Riva's `WordInfo`: times in milliseconds from the start of the audio (or stream).
struct WordInfo: Encodable, Equatable, Sendable {
    var word: String
    var startTime: Int
    var endTime: Int
    var confidence: Double
}

/// Riva's `SpeechRecognitionAlternative`.
struct RecognitionAlternative: Encodable, Equatable, Sendable {
    var transcript: String
    var confidence: Double
    var words: [WordInfo]
}

/// One result of `RecognizeResponse` (one utterance) or of a streaming response (`isFinal`, `stability` set).
struct RecognitionResult: Encodable, Equatable, Sendable {
    var alternatives: [RecognitionAlternative]
    var channelTag = 1
    /// Seconds of audio processed up to the end of this result.
    var audioProcessed: Double
    var isFinal: Bool?
    var stability: Double?
}

/// `{"results": [...]}`: Riva's `RecognizeResponse` and `StreamingRecognizeResponse` (which adds is_final and
/// stability to each result).
struct RecognitionResponse: Encodable, Sendable {
    var results: [RecognitionResult]

    /// The JSON text (snake_case keys, null fields left out).
    func json() -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data("{\"results\":[]}".utf8)
    }
}

extension RecognitionAlternative {
    /// An alternative of a hypothesis for an utterance starting `offset` seconds into the audio; words only when
    /// `withWords` (Riva's enable_word_time_offsets).
    init(_ hypothesis: SpeechHypothesis, offset: Double, withWords: Bool, transcript: String? = nil) {
        self.transcript = transcript ?? hypothesis.transcript
        confidence = (hypothesis.confidence * 1000).rounded() / 1000
        words = withWords ? hypothesis.words.map {
            WordInfo(word: $0.word, startTime: Int(((offset + $0.start) * 1000).rounded()),
                     endTime: Int(((offset + $0.end) * 1000).rounded()), confidence: ($0.confidence * 1000).rounded() / 1000)
        } : []
    }
}
