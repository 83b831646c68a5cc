import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import Testing
@testable import TAOServer

extension ModelTests {
    @Suite("POST /v1/asr:recognize")
    struct RecognizeTests {
        var app: Application<RouterResponder<ServiceRequestContext>> { get throws { try sharedService.makeApplication() } }

        @Test("a WAV body gives a transcript with word times in ms inside the audio")
        func wavBody() async throws {
            let bytes = try fixtureBytes("espeak_us_fox.wav")
            try await app.test(.router) { client in
                try await client.execute(uri: "/v1/asr:recognize?enable_word_time_offsets=true", method: .post,
                                         headers: [.contentType: "audio/wav"], body: ByteBuffer(bytes: bytes)) { response in
                    #expect(response.status == .ok)
                    let body = jsonObject(response.body)
                    let results = body["results"] as? [[String: Any]] ?? []
                    #expect(results.count == 1)
                    let alternative = (results.first?["alternatives"] as? [[String: Any]])?.first ?? [:]
                    let transcript = alternative["transcript"] as? String ?? ""
                    #expect(transcript.split(separator: " ").count >= 4)
                    let words = alternative["words"] as? [[String: Any]] ?? []
                    #expect(words.count == transcript.split(separator: " ").count)
                    let starts = words.compactMap { $0["start_time"] as? Int }, ends = words.compactMap { $0["end_time"] as? Int }
                    #expect(starts == starts.sorted())
                    #expect(zip(starts, ends).allSatisfy { $0 < $1 })
                    #expect((ends.last ?? 0) <= 2909)
                    let processed = results.first?["audio_processed"] as? Double ?? 0
                    #expect(processed > 2.5 && processed < 3.0)
                }
            }
        }

        @Test("raw LINEAR_PCM, base64 JSON and FLAC of the same audio give the WAV's transcript")
        func sameAudioThreeWays() async throws {
            let samples = try fixtureSamples("flite_slt_meeting.flac")
            let flac = try fixtureBytes("flite_slt_meeting.flac")
            try await app.test(.router) { client in
                let fromFLAC = try await client.execute(uri: "/v1/asr:recognize", method: .post, body: ByteBuffer(bytes: flac)) {
                    transcripts(jsonObject($0.body))
                }
                #expect(fromFLAC.count == 1 && !(fromFLAC.first ?? "").isEmpty)
                let raw = try await client.execute(uri: "/v1/asr:recognize?encoding=LINEAR_PCM&sample_rate_hertz=16000", method: .post,
                                                   body: ByteBuffer(bytes: pcm16(samples))) { transcripts(jsonObject($0.body)) }
                #expect(raw == fromFLAC)
                let request: [String: Any] = ["config": ["encoding": "LINEAR_PCM", "sample_rate_hertz": 16000, "max_alternatives": 3],
                                              "audio": Data(pcm16(samples)).base64EncodedString()]
                let json = try JSONSerialization.data(withJSONObject: request)
                try await client.execute(uri: "/v1/asr:recognize", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(bytes: json)) { response in
                    #expect(response.status == .ok)
                    #expect(transcripts(jsonObject(response.body)) == fromFLAC)
                    let alternatives = (jsonObject(response.body)["results"] as? [[String: Any]])?.first?["alternatives"] as? [Any]
                    #expect((alternatives?.count ?? 0) >= 1 && (alternatives?.count ?? 0) <= 3)
                }
            }
        }

        @Test("8 kHz mu-law and 44.1 kHz stereo WAVs are resampled and recognized")
        func otherRates() async throws {
            try await app.test(.router) { client in
                for name in ["espeak_8k_mulaw.wav", "flite_awb_44k_stereo.wav"] {
                    try await client.execute(uri: "/v1/asr:recognize", method: .post, body: ByteBuffer(bytes: try fixtureBytes(name))) { response in
                        #expect(response.status == .ok, "\(name)")
                        #expect(!(transcripts(jsonObject(response.body)).first ?? "").isEmpty, "\(name)")
                    }
                }
            }
        }

        @Test("greedy decoding can be asked for, and hotwords switch on beam search")
        func decodingOptions() async throws {
            let bytes = try fixtureBytes("flite_kal_weather.wav")
            try await app.test(.router) { client in
                let greedy = try await client.execute(uri: "/v1/asr:recognize?custom_configuration.decoder=greedy", method: .post,
                                                      body: ByteBuffer(bytes: bytes)) { $0 }
                #expect(greedy.status == .ok)
                let request: [String: Any] = ["config": ["speech_contexts": [["phrases": ["weather"], "boost": 20]]],
                                              "audio": Data(bytes).base64EncodedString()]
                let boosted = try await client.execute(uri: "/v1/asr:recognize", method: .post,
                                                       body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: request))) { $0 }
                #expect(boosted.status == .ok)
                #expect(transcripts(jsonObject(boosted.body)).first?.contains("weather") == true)
            }
        }

        @Test("bad requests get 400 with a message naming what is wrong")
        func badRequests() async throws {
            try await app.test(.router) { client in
                let cases: [(String, [UInt8], String)] = [
                    ("/v1/asr:recognize", Array("this is not audio at all, just some text".utf8), "WAV, FLAC and OGG"),
                    ("/v1/asr:recognize?encoding=LINEAR_PCM", [0, 1, 2, 3], "sample_rate_hertz"),
                    ("/v1/asr:recognize?encoding=LINEAR_PCM&sample_rate_hertz=16000", [0, 1, 2], "3 bytes of raw s16 PCM in 1 channel(s) are not whole 2-byte frames"),
                    ("/v1/asr:recognize?encoding=SPEEX&sample_rate_hertz=16000", [0, 1, 2, 3], "SPEEX"),
                    ("/v1/asr:recognize?max_alternative=2", [0, 1], "did you mean 'max_alternatives'"),
                    ("/v1/asr:recognize", Array("{\"config\": {\"sample_rate\": 16000}, \"audio\": \"\"}".utf8), "did you mean 'sample_rate_hertz'"),
                    ("/v1/asr:recognize", Array("{\"config\": {\"max_alternatives\": \"many\"}, \"audio\": \"AAAA\"}".utf8), "config.max_alternatives"),
                    ("/v1/asr:recognize", Array("{\"config\": {}, \"audio\": 12}".utf8), "audio"),
                    ("/v1/asr:recognize", Array("{\"config\": ".utf8), "not valid JSON"),
                    ("/v1/asr:recognize?model=nope", [0, 1], "no speech model named 'nope'"),
                    ("/v1/asr:recognize", [], "no audio"),
                    ("/v1/asr:recognize?custom_configuration.beam_width=1.7", try fixtureBytes("flite_kal_weather.wav"), "is not a whole number"),
                    ("/v1/asr:recognize?custom_configuration.hotword_weight=5", try fixtureBytes("flite_kal_weather.wav"), "this request gives none"),
                    // A rate the resampler does not take is named as such, not as audio too long (1 Hz: hours of it).
                    ("/v1/asr:recognize", try wavRated(1), "its sample rate, 1 Hz, is outside the 4000...192000 Hz"),
                    ("/v1/asr:recognize", try wavRated(400_000), "its sample rate, 400000 Hz, is outside the 4000...192000 Hz"),
                ]
                for (uri, body, needle) in cases {
                    try await client.execute(uri: uri, method: .post, body: ByteBuffer(bytes: body)) { response in
                        #expect(response.status == .badRequest, "\(uri)")
                        let error = errorObject(response.body)
                        #expect(error["status"] as? String == "INVALID_ARGUMENT", "\(uri)")
                        #expect((error["message"] as? String)?.contains(needle) == true, "\(uri): \(error["message"] ?? "")")
                        // One name and one hint per message.
                        let message = error["message"] as? String ?? ""
                        #expect(!message.contains("request audio: request audio") && message.components(separatedBy: " (").count <= 2, "\(message)")
                    }
                }
            }
        }

        /// A fixture WAV whose header claims `rate` Hz (its fmt chunk starts at byte 12; the rate is at 24, the byte rate at 28).
        func wavRated(_ rate: UInt32) throws -> [UInt8] {
            var wav = try fixtureBytes("flite_kal_weather.wav")
            #expect(Array(wav[12..<16]) == Array("fmt ".utf8))
            for (offset, value) in [(24, rate), (28, rate * 2)] {
                for byte in 0..<4 { wav[offset + byte] = UInt8(truncatingIfNeeded: value >> (8 * byte)) }
            }
            return wav
        }

        @Test("a body or audio over the limits is 413")
        func limits() async throws {
            let small = makeService { $0.maxBodyBytes = 20_000; $0.maxAudioSeconds = 1.0 }
            try await small.makeApplication().test(.router) { client in
                try await client.execute(uri: "/v1/asr:recognize", method: .post, body: ByteBuffer(bytes: [UInt8](repeating: 0, count: 30_000))) { response in
                    #expect(response.status == .contentTooLarge)
                    #expect(errorObject(response.body)["status"] as? String == "RESOURCE_EXHAUSTED")
                }
                let twoSeconds = pcm16([Float](repeating: 0, count: 2 * 4000))
                try await client.execute(uri: "/v1/asr:recognize?encoding=LINEAR_PCM&sample_rate_hertz=4000", method: .post,
                                         body: ByteBuffer(bytes: twoSeconds)) { response in
                    #expect(response.status == .contentTooLarge)
                    #expect((errorObject(response.body)["message"] as? String)?.contains("at most 1 s") == true)
                }
            }
        }

        @Test("silence gives no results; long audio is cut at its pauses into one result per utterance")
        func segments() async throws {
            try await app.test(.router) { client in
                let silence = pcm16([Float](repeating: 0, count: 32_000))
                try await client.execute(uri: "/v1/asr:recognize?encoding=LINEAR_PCM&sample_rate_hertz=16000", method: .post,
                                         body: ByteBuffer(bytes: silence)) { response in
                    #expect(response.status == .ok)
                    #expect(transcripts(jsonObject(response.body)).isEmpty)
                }
                let three = try concatenated(["flite_kal_weather.wav", "cards_001.wav", "espeak_gb_window.ogg"], gap: 0.8)
                try await client.execute(uri: "/v1/asr:recognize?encoding=LINEAR_PCM&sample_rate_hertz=16000&enable_word_time_offsets=true",
                                         method: .post, body: ByteBuffer(bytes: pcm16(three))) { response in
                    #expect(response.status == .ok)
                    let results = jsonObject(response.body)["results"] as? [[String: Any]] ?? []
                    #expect(results.count == 3)
                    let processed = results.compactMap { $0["audio_processed"] as? Double }
                    #expect(processed == processed.sorted())
                }
            }
        }
    }
}

extension ModelTests {
    @Suite("API key")
    struct AuthTests {
        var app: Application<RouterResponder<ServiceRequestContext>> { get throws { try makeService { $0.apiKey = "s3cret-key" }.makeApplication() } }

        @Test("every route but /health needs the key; a wrong or missing key is 401")
        func apiKey() async throws {
            try await app.test(.router) { client in
                try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
                try await client.execute(uri: "/v1/models", method: .get) { response in
                    #expect(response.status == .unauthorized)
                    #expect(errorObject(response.body)["status"] as? String == "UNAUTHENTICATED")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                }
                try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: "Bearer wrong-key!"]) {
                    #expect($0.status == .unauthorized)
                }
                try await client.execute(uri: "/v1/models", method: .get, headers: [.authorization: "Bearer s3cret-key"]) {
                    #expect($0.status == .ok)
                }
                try await client.execute(uri: "/metrics?api_key=s3cret-key", method: .get) { #expect($0.status == .ok) }
            }
        }

        @Test("the key comparison accepts only the exact key")
        func comparison() {
            typealias Middleware = ServiceMiddleware<ServiceRequestContext>
            #expect(Middleware.constantTimeEqual("abc", "abc"))
            #expect(!Middleware.constantTimeEqual("abd", "abc"))
            #expect(!Middleware.constantTimeEqual("ab", "abc"))
            #expect(!Middleware.constantTimeEqual("abcd", "abc"))
            #expect(!Middleware.constantTimeEqual("", "abc"))
        }
    }
}
