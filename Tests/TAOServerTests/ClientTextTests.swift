import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TAOToolkit
@testable import TAOServer

@Suite("Client-supplied keys and values in error messages: bounded cost, bounded size")
struct ClientTextTests {
    /// POSTs `body` to `uri` and returns the status, the error message and the seconds the answer took.
    func post(_ uri: String, _ body: String) async throws -> (status: Int, message: String, seconds: Double) {
        try await sharedService.makeApplication().test(.router) { client in
            let clock = ContinuousClock(), start = clock.now
            return try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) {
                let elapsed = clock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                return (Int($0.status.code), errorObject($0.body)["message"] as? String ?? "", seconds)
            }
        }
    }

    @Test("a long unknown config key is refused with a short message and no suggestion")
    func longUnknownKey() async throws {
        // Scoring a key against the known fields for a suggestion took about 17 s per MB of key: a long one gets none.
        let key = String(repeating: "a", count: 200_000)
        let (status, message, _) = try await post("/v1/asr:recognize", #"{"audio":"AAAA","config":{"\#(key)":1}}"#)
        #expect(status == 400)
        #expect(message.contains("unknown field") && !message.contains("did you mean"), "\(message.prefix(200))")
        #expect(message.utf8.count < 600, "the message is \(message.utf8.count) bytes")
    }

    @Test("a short typo still gets its suggestion")
    func shortTypo() async throws {
        let (status, message, _) = try await post("/v1/asr:recognize", #"{"audio":"AAAA","config":{"sample_rate_herz":8000}}"#)
        #expect(status == 400 && message.contains("did you mean 'sample_rate_hertz'"), "\(message)")
    }

    @Test("a long unknown query parameter is refused at once with a short message")
    func longQueryParameter() async throws {
        let key = String(repeating: "q", count: 60_000)
        let (status, message, _) = try await post("/v1/asr:recognize?\(key)=1", #"{"audio":"AAAA"}"#)
        #expect(status == 400 && message.contains("is unknown") && !message.contains("did you mean"), "\(status) \(message.prefix(200))")
        #expect(message.utf8.count < 400, "\(message.utf8.count) bytes")
    }

    @Test("long model names and language codes are clipped in the message", arguments: [
        ("/v1/asr:recognize", #"{"audio":"AAAA","config":{"model":"LONG"}}"#),
        ("/v1/asr:recognize", #"{"audio":"AAAA","config":{"language_code":"LONG"}}"#),
        ("/v1/asr:recognize", #"{"audio":"AAAA","config":{"encoding":"LONG"}}"#),
        ("/v1/asr:recognize", #"{"audio":"AAAA","config":{"custom_configuration":{"decoder":"LONG"}}}"#),
        ("/v1/nlp:punctuate_text", #"{"text":["a"],"model":"LONG"}"#),
    ])
    func clippedValues(uri: String, template: String) async throws {
        let long = String(repeating: "x", count: 100_000)
        let (status, message, _) = try await post(uri, template.replacingOccurrences(of: "LONG", with: long))
        #expect(status == 400 || status == 503, "\(status)")
        #expect(message.utf8.count < 400, "the message is \(message.utf8.count) bytes: \(message.prefix(200))")
    }

    @Test("Suggestions.nearest scores no candidate much shorter than the word (a 4 MB word costs no edit distance)")
    func nearestSkipsLongWords() {
        let clock = ContinuousClock(), start = clock.now
        // Scoring it against the config's fields would take a billion edit-distance steps.
        #expect(Suggestions.nearest(to: String(repeating: "k", count: 4_000_000), in: RecognitionConfig.fields.sorted()) == nil)
        #expect(clock.now - start < .seconds(5))
        #expect(Suggestions.nearest(to: "audoi", in: ["config", "audio"]) == "audio")
    }
}
