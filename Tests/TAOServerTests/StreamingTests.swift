import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import Testing
@testable import TAOServer

/// What a test client saw on a stream.
struct StreamTranscript {
    var finals: [String] = []
    var interims = 0
    var errors: [[String: Any]] = []
    var messages: [[String: Any]] = []
}

extension StreamTranscript: @unchecked Sendable {}

/// Sends `config`, then `audio` in `chunk`-byte binary messages, then `{"eof": true}`; collects what comes back.
func stream(_ client: any TestClientProtocol, config: [String: Any], audio: [UInt8], chunk: Int = 3200,
            controls: [Int: String] = [:]) async throws -> (StreamTranscript, WebSocketCloseFrame?) {
    let collected = Locked(StreamTranscript())
    let configText = String(decoding: try JSONSerialization.data(withJSONObject: ["streaming_config": config]), as: UTF8.self)
    let close = try await client.ws("/v1/asr:stream") { inbound, outbound, _ in
        try await outbound.write(.text(configText))
        var offset = 0, index = 0
        while offset < audio.count {
            try await outbound.write(.binary(ByteBuffer(bytes: audio[offset..<min(offset + chunk, audio.count)])))
            offset += chunk
            index += 1
            if let control = controls[index] { try await outbound.write(.text(control)) }
        }
        try await outbound.write(.text("{\"eof\": true}"))
        for try await message in inbound.messages(maxSize: 1 << 20) {
            guard case let .text(text) = message,
                  let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
            collected.withLock { transcript in
                transcript.messages.append(object)
                if let error = object["error"] as? [String: Any] { transcript.errors.append(error) }
                for result in object["results"] as? [[String: Any]] ?? [] {
                    let text = ((result["alternatives"] as? [[String: Any]])?.first?["transcript"] as? String) ?? ""
                    if result["is_final"] as? Bool == true { transcript.finals.append(text) } else { transcript.interims += 1 }
                }
            }
        }
    }
    return (collected.current, close)
}

/// A service that sends an interim result per 1.5 s of audio (fewer forward passes in a debug build).
let interimService = makeService { $0.interimInterval = 1.5 }

var streamConfig: [String: Any] { ["config": ["encoding": "LINEAR_PCM", "sample_rate_hertz": 16000], "interim_results": true] }

extension ModelTests {
    @Suite("WebSocket streaming (real sockets)")
    struct StreamingTests {
        @Test("the finals of a stream equal the offline results of the same audio, with interim results between")
        func streamEqualsOffline() async throws {
            let audio = pcm16(try concatenated(["flite_kal_weather.wav", "cards_001.wav", "librivox_0880.wav"], gap: 0.7))
            try await interimService.makeApplication().test(.live) { client in
                let offline = try await client.execute(uri: "/v1/asr:recognize?encoding=LINEAR_PCM&sample_rate_hertz=16000", method: .post,
                                                       body: ByteBuffer(bytes: audio)) { transcripts(jsonObject($0.body)) }
                #expect(offline.count == 3)
                let (seen, close) = try await stream(client, config: streamConfig, audio: audio)
                #expect(seen.errors.isEmpty)
                #expect(seen.finals.filter { !$0.isEmpty } == offline.filter { !$0.isEmpty })
                #expect(seen.finals.joined(separator: " ").split(separator: " ") == offline.joined(separator: " ").split(separator: " "))
                #expect(seen.interims > 0)
                #expect(close?.closeCode == .normalClosure)
            }
        }

        @Test("flush finalizes what was heard and the stream goes on")
        func flush() async throws {
            let first = try fixtureSamples("flite_kal_weather.wav"), second = try fixtureSamples("cards_001.wav")
            let audio = pcm16(first + second)
            let flushAfter = (first.count * 2 + 3199) / 3200
            try await sharedService.makeApplication().test(.live) { client in
                let (seen, _) = try await stream(client, config: ["config": ["sample_rate_hertz": 16000]], audio: audio,
                                                 controls: [flushAfter: "{\"flush\": true}"])
                #expect(seen.errors.isEmpty)
                #expect(seen.finals.count == 2)
                #expect(seen.interims == 0)
                #expect(seen.finals.allSatisfy { !$0.isEmpty })
            }
        }

        @Test("a stream may start with a WAV header: it is checked against the config and skipped")
        func wavHeader() async throws {
            let wav = try fixtureBytes("cards_001.wav")
            try await sharedService.makeApplication().test(.live) { client in
                let offline = try await client.execute(uri: "/v1/asr:recognize", method: .post, body: ByteBuffer(bytes: wav)) {
                    transcripts(jsonObject($0.body))
                }
                let (seen, _) = try await stream(client, config: ["config": ["sample_rate_hertz": 16000]], audio: wav, chunk: 30)
                #expect(seen.errors.isEmpty)
                #expect(seen.finals.filter { !$0.isEmpty } == offline)
                let (wrong, close) = try await stream(client, config: ["config": ["sample_rate_hertz": 8000]], audio: wav)
                #expect((wrong.errors.first?["message"] as? String)?.contains("the WAV header says") == true)
                #expect(close?.closeCode == .policyViolation)
            }
        }

        @Test("binary audio before the config closes the stream with 1008 and a JSON error")
        func binaryBeforeConfig() async throws {
            try await sharedService.makeApplication().test(.live) { client in
                let errors = Locked<[String]>([])
                let close = try await client.ws("/v1/asr:stream") { inbound, outbound, _ in
                    try await outbound.write(.binary(ByteBuffer(bytes: [1, 2, 3, 4])))
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        if case let .text(text) = message { errors.withLock { $0.append(text) } }
                    }
                }
                #expect(close?.closeCode == .policyViolation)
                #expect(errors.current.first?.contains("before the config message") == true)
            }
        }

        @Test("a bad config (no sample rate, a typo, a wrong rate) is refused with its reason")
        func badConfigs() async throws {
            let configs: [(String, String)] = [
                ("{\"streaming_config\": {\"config\": {}}}", "sample_rate_hertz is required"),
                ("{\"streaming_config\": {\"config\": {\"sample_rate_hertz\": 16000}, \"interim\": true}}", "interim_results"),
                ("{\"streaming_config\": {\"config\": {\"sample_rate_hertz\": 1000}}}", "outside"),
                ("not json", "not valid JSON"),
            ]
            try await sharedService.makeApplication().test(.live) { client in
                for (config, needle) in configs {
                    let texts = Locked<[String]>([])
                    let close = try await client.ws("/v1/asr:stream") { inbound, outbound, _ in
                        try await outbound.write(.text(config))
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case let .text(text) = message { texts.withLock { $0.append(text) } }
                        }
                    }
                    #expect(close?.closeCode == .policyViolation, "\(config)")
                    #expect(texts.current.first?.contains(needle) == true, "\(config): \(texts.current)")
                }
            }
        }

        @Test("a malformed control message gets an error and the stream goes on")
        func malformedControl() async throws {
            let audio = pcm16(try fixtureSamples("cards_001.wav"))
            try await sharedService.makeApplication().test(.live) { client in
                let (seen, close) = try await stream(client, config: ["config": ["sample_rate_hertz": 16000]], audio: audio,
                                                     controls: [2: "{\"flsh\": true}", 3: "[1,2]", 4: "{\"streaming_config\": {}}"])
                #expect(seen.errors.count == 3)
                #expect((seen.errors.last?["message"] as? String)?.hasPrefix("this stream already has its config") == true)
                #expect(seen.finals.count == 1)
                #expect(close?.closeCode == .normalClosure)
            }
        }

        @Test("a client that sends eof and then closes its sending side (no WebSocket close) still gets its final result")
        func eofThenHalfClose() async throws {
            let audio = pcm16(try fixtureSamples("espeak_us_fox.wav"))
            try await sharedService.makeApplication().test(.live) { client in
                let port = try #require(client.port)
                let frames = maskedFrame(opcode: 1, Array(#"{"streaming_config": {"config": {"sample_rate_hertz": 16000}}}"#.utf8))
                    + maskedFrame(opcode: 2, audio) + maskedFrame(opcode: 1, Array(#"{"eof": true}"#.utf8))
                let (received, _) = await readUntilClosed(port: port, streamHandshake, afterAnswer: frames, halfClose: true)
                let text = String(decoding: received, as: UTF8.self)
                #expect(text.contains("\"results\"") && text.contains("fox"), "\(text.suffix(300))")
            }
        }

        @Test("a client that sends its whole stream and eof with the handshake, then closes its sending side, still gets its final result")
        func eofWithHandshake() async throws {
            // Short, so that the frames and the end of input arrive with the handshake, before the upgrade is done.
            let audio = pcm16(Array(try fixtureSamples("espeak_us_fox.wav").prefix(2000)))
            try await sharedService.makeApplication().test(.live) { client in
                let port = try #require(client.port)
                let frames = maskedFrame(opcode: 1, Array(#"{"streaming_config": {"config": {"sample_rate_hertz": 16000}}}"#.utf8))
                    + maskedFrame(opcode: 2, audio) + maskedFrame(opcode: 1, Array(#"{"eof": true}"#.utf8))
                let (received, _) = await readUntilClosed(port: port, streamHandshake + frames, halfClose: true)
                let text = String(decoding: received, as: UTF8.self)
                #expect(text.contains("\"is_final\":true") && text.hasSuffix("eof"), "\(text.suffix(300))")
            }
        }

        @Test("a stream that trickles a few bytes to look alive is closed once its audio falls idleTimeout behind the clock")
        func tricklingStream() async throws {
            let service = makeService { $0.idleTimeout = 1 }
            try await service.makeApplication().test(.live) { client in
                let close = try await client.ws("/v1/asr:stream") { inbound, outbound, _ in
                    try await outbound.write(.text(#"{"streaming_config": {"config": {"sample_rate_hertz": 16000}}}"#))
                    let trickle = Task {
                        // One 16-bit sample (62.5 microseconds of audio) every 0.2 s, for at most 8 s.
                        for _ in 0..<40 where !Task.isCancelled {
                            try await outbound.write(.binary(ByteBuffer(bytes: [0, 0])))
                            try await Task.sleep(for: .milliseconds(200))
                        }
                    }
                    defer { trickle.cancel() }
                    for try await _ in inbound.messages(maxSize: 1 << 20) {}
                }
                #expect(close?.reason?.contains("the stream's audio fell 1 s behind real time") == true, "\(String(describing: close))")
            }
        }

        @Test("a stream beyond --max-streams is closed with 1013 and says why; a declined upgrade, in router tests, is 503")
        func streamCap() async throws {
            let full = makeService { $0.maxStreams = 0 }
            try await full.makeApplication().test(.live) { client in
                let message = Locked("")
                let close = try await client.ws("/v1/asr:stream") { inbound, _, _ in
                    for try await case let .text(text) in inbound.messages(maxSize: 1 << 20) { message.withLock { $0 = text } }
                }
                #expect(close?.closeCode == .unknown(1013))
                #expect(close?.reason?.hasPrefix("RESOURCE_EXHAUSTED: too many streams: 0 are open") == true)
                #expect(message.withLock { $0 }.contains("\"code\":503"))
            }
            // The refusal the client sees when the upgrade is declined.
            try await full.makeApplication().test(.router) { client in
                try await client.execute(uri: "/v1/asr:stream", method: .get, headers: [.upgrade: "websocket", .connection: "upgrade"]) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect((errorObject(response.body)["message"] as? String)?.contains("too many streams") == true)
                }
            }
        }

        @Test("a stream whose client leaves while its final waits for the worker frees its slot and drops its work at once")
        func clientLeaves() async throws {
            let (service, gated) = gatedService(with: sharedRepository.models)
            defer { gated.releaseAll() }
            let audio = pcm16(try fixtureSamples("cards_001.wav"))
            let configText = String(decoding: try JSONSerialization.data(withJSONObject: ["streaming_config": streamConfig]), as: UTF8.self)
            try await service.makeApplication().test(.live) { client in
                // The worker is held by a text request until the gate opens.
                let holder = Task {
                    try await client.execute(uri: "/v1/nlp:punctuate_text", method: .post, headers: [.contentType: "application/json"],
                                             body: ByteBuffer(string: #"{"text": ["hold"]}"#)) { $0.status }
                }
                try await waitUntil { gated.calls.current == 1 }
                // The client sends its audio and eof, then leaves without waiting for the final (a short close handshake).
                _ = try? await client.ws("/v1/asr:stream", configuration: .init(closeTimeout: .milliseconds(100))) { _, outbound, _ in
                    try await outbound.write(.text(configText))
                    try await outbound.write(.binary(ByteBuffer(bytes: audio)))
                    try await outbound.write(.text("{\"eof\": true}"))
                    try await waitUntil { service.queue.depth > 0 }
                }
                try await waitUntil { service.slots.open == 0 && service.queue.depth == 0 }
                #expect(service.slots.open == 0, "the vanished client's stream still holds its slot")
                #expect(service.queue.depth == 0, "the vanished client's inference is still queued")
                #expect(gated.calls.current == 1)
                #expect(service.metrics.render().contains("tao_requests_total{route=\"/v1/asr:stream\",code=\"499\"} 1"))
                gated.gate.signal()
                #expect(try await holder.value == .ok)
            }
        }

        @Test("a stream without the API key is closed with 1008 and says which key to give; with it, it runs")
        func streamKey() async throws {
            let keyed = makeService { $0.apiKey = "s3cret-key" }
            try await keyed.makeApplication().test(.live) { client in
                let refused = try await client.ws("/v1/asr:stream?api_key=wrong") { inbound, _, _ in
                    for try await _ in inbound.messages(maxSize: 1 << 20) {}
                }
                #expect(refused?.closeCode == .policyViolation)
                #expect(refused?.reason?.contains("UNAUTHENTICATED: missing or wrong API key") == true)
                #expect(refused?.reason?.contains("?api_key=<key>") == true)
                let admitted = try await client.ws("/v1/asr:stream?api_key=s3cret-key") { inbound, outbound, _ in
                    try await outbound.write(.text("{\"streaming_config\": {\"config\": {\"sample_rate_hertz\": 16000}}}"))
                    try await outbound.write(.text("{\"eof\": true}"))
                    for try await _ in inbound.messages(maxSize: 1 << 20) {}
                }
                #expect(admitted?.closeCode == .normalClosure)
                try await client.execute(uri: "/metrics?api_key=s3cret-key", method: .get) { response in
                    #expect(String(buffer: response.body).contains("tao_requests_total{route=\"/v1/asr:stream\",code=\"401\"} 1"))
                }
            }
        }

        @Test("random frames never take the server down: /health answers afterwards")
        func fuzz() async throws {
            var rng = SystemRandomNumberGenerator()
            let rounds: [[WebSocketOutboundWriter.OutboundFrame]] = (0..<12).map { _ in
                (0..<Int.random(in: 1...20, using: &rng)).map { _ in
                    let size = Int.random(in: 0...1500, using: &rng)
                    let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
                    let rate = [-10, 0, 1000, 8000, 16000, 48000, 500_000][Int.random(in: 0..<7, using: &rng)]
                    let controls = ["{\"flush\": true}", "{\"eof\": 1}", "{}", "null", "{\"eof\": true}"]
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: return .binary(ByteBuffer(bytes: bytes))
                    case 1: return .text(String(decoding: bytes, as: UTF8.self))
                    case 2: return .text("{\"streaming_config\": {\"config\": {\"sample_rate_hertz\": \(rate)}}}")
                    default: return .text(controls[Int.random(in: 0..<controls.count, using: &rng)])
                    }
                }
            }
            let service = makeService { $0.maxMessageBytes = 4096; $0.idleTimeout = 1 }
            try await service.makeApplication().test(.live) { client in
                for (round, frames) in rounds.enumerated() {
                    _ = try? await client.ws("/v1/asr:stream") { inbound, outbound, _ in
                        for frame in frames { try await outbound.write(frame) }
                        if round % 3 == 0 { return }  // vanish without closing
                        for try await _ in inbound.messages(maxSize: 1 << 20) {}
                    }
                }
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .ok)
                }
            }
            var waited = 0
            while service.slots.open > 0 && waited < 100 {
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            #expect(service.slots.open == 0)
        }
    }
}

extension ModelTests {
    @Suite("offline recognition over a real socket")
    struct LoopbackTests {
        @Test("POST /v1/asr:recognize over TCP loopback")
        func loopback() async throws {
            let bytes = try fixtureBytes("flite_rms_question.wav")
            try await sharedService.makeApplication().test(.live) { client in
                try await client.execute(uri: "/v1/asr:recognize", method: .post, body: ByteBuffer(bytes: bytes)) { response in
                    #expect(response.status == .ok)
                    #expect(!(transcripts(jsonObject(response.body)).first ?? "").isEmpty)
                }
            }
        }
    }
}

extension ModelTests {
    @Suite("draining before shutdown")
    struct DrainTests {
        @Test("draining refuses new work with 503 but lets an open stream finish")
        func drain() async throws {
            let service = makeService { $0.gracePeriod = 20 }
            let audio = pcm16(try fixtureSamples("cards_001.wav"))
            try await service.makeApplication().test(.live) { client in
                let finals = Locked<[String]>([])
                let opened = Locked(false), proceed = Locked(false)
                async let streamed: WebSocketCloseFrame? = client.ws("/v1/asr:stream") { inbound, outbound, _ in
                    try await outbound.write(.text("{\"streaming_config\": {\"config\": {\"sample_rate_hertz\": 16000}}}"))
                    opened.withLock { $0 = true }
                    while !proceed.current { try await Task.sleep(for: .milliseconds(20)) }
                    try await outbound.write(.binary(ByteBuffer(bytes: audio)))
                    try await outbound.write(.text("{\"eof\": true}"))
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        if case let .text(text) = message, text.contains("\"is_final\":true") { finals.withLock { $0.append(text) } }
                    }
                }
                while !opened.current || service.slots.open == 0 { try await Task.sleep(for: .milliseconds(20)) }
                async let drained: Void = service.drain()
                while !service.slots.isDraining { try await Task.sleep(for: .milliseconds(10)) }
                try await client.execute(uri: "/v1/asr:recognize", method: .post, body: ByteBuffer(bytes: [1, 2])) { response in
                    #expect(response.status == .serviceUnavailable)
                }
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(jsonObject(response.body)["status"] as? String == "draining")
                }
                proceed.withLock { $0 = true }
                let close = try await streamed
                await drained
                #expect(close?.closeCode == .normalClosure)
                #expect(finals.current.count == 1)
                #expect(service.slots.open == 0)
            }
        }
    }
}
