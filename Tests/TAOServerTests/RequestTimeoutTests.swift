import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TAOServer

@Suite("Request deadlines: NLP routes time out like recognition, and timed-out queued work is dropped")
struct RequestTimeoutTests {
    @Test("punctuate_text over the request timeout gets 408 DEADLINE_EXCEEDED; its queued twin is dropped, not run")
    func textTimeout() async throws {
        let (service, model) = gatedService { $0.requestTimeout = 0.5 }
        defer { model.releaseAll() }
        try await service.makeApplication().test(.router) { client in
            /// The status, error status and error message of a punctuate_text request.
            @Sendable func punctuate(_ text: String) async throws -> (Int, String, String) {
                try await client.execute(uri: "/v1/nlp:punctuate_text", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: #"{"text": ["\#(text)"]}"#)) {
                    let error = errorObject($0.body)
                    return (Int($0.status.code), error["status"] as? String ?? "", error["message"] as? String ?? "")
                }
            }
            // Without the deadline, the first request waits for the gate (30 s) and gets 200.
            let running = Task { try await punctuate("first") }
            try await waitUntil { model.calls.current == 1 }
            // Another model call cannot join the running one: this request waits in the queue.
            let queued = Task { try await punctuate("second") }
            let (status, code, message) = try await running.value
            #expect(status == 408 && code == "DEADLINE_EXCEEDED")
            #expect(message.contains("punctuate_text took longer than 0.5 s"), "\(message)")
            #expect(try await queued.value.0 == 408)
            #expect(service.queue.depth == 0)
            model.gate.signal()
            try await Task.sleep(for: .milliseconds(200))
            #expect(model.calls.current == 1, "the timed-out queued request was run")
        }
    }

    @Test("a client that closes its connection while its request waits gets its work dropped at once (499), not at the timeout")
    func clientGoneIsDropped() async throws {
        let (service, model) = gatedService()
        defer { model.releaseAll() }
        try await service.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let body = #"{"text": ["first"]}"#
            let running = Task {
                try await client.execute(uri: "/v1/nlp:punctuate_text", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: body)) { $0.status }
            }
            try await waitUntil { model.calls.current == 1 }
            sendAndClose(port: port, "POST /v1/nlp:punctuate_text HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
            // Its request reaches the queue, then leaves it when the connection's end is seen, long before the 120 s timeout.
            try await waitUntil { service.metrics.render().contains("tao_requests_total{route=\"/v1/nlp:punctuate_text\",code=\"499\"} 1") }
            #expect(service.metrics.render().contains("tao_errors_total{route=\"/v1/nlp:punctuate_text\",status=\"CANCELLED\"} 1"))
            #expect(service.queue.depth == 0)
            model.gate.signal()
            #expect(try await running.value == .ok)
            try await Task.sleep(for: .milliseconds(200))
            #expect(model.calls.current == 1, "the abandoned request was run")
        }
    }

    @Test("a cancelled caller leaves the inference queue at once and its work is dropped")
    func cancelledCallerIsDropped() async throws {
        let model = GatedTextModel()
        let queue = InferenceQueue(textBatchWait: 0)
        defer { queue.stop() }
        defer { model.releaseAll() }
        let request = TextRequest(task: .punctuateText, texts: ["a"])
        let running = Task { try await queue.answer(request, model: model) }
        try await waitUntil { model.calls.current == 1 }
        let waiting = Task { try await queue.answer(request, model: model) }
        try await waitUntil { queue.depth == 1 }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(queue.depth == 0)
        model.gate.signal()
        _ = try await running.value
        try await Task.sleep(for: .milliseconds(100))
        #expect(model.calls.current == 1)
    }

    @Test("final clips go in the order of their request's arrival, and a text request before the clips queued after it")
    func arrivalOrder() async throws {
        let model = GatedTextModel()
        let recognizer = try #require(sharedRepository.speechModels.first).recognizer
        let queue = InferenceQueue(textBatchWait: 0)
        defer { queue.stop() }
        defer { model.releaseAll() }
        let finished = Locked<[String]>([])
        func clip(_ seconds: Double, since: Date, name: String) -> Task<Void, Error> {
            Task {
                _ = try await queue.logProbabilities([Float](repeating: 0, count: Int(seconds * 16000)), recognizer: recognizer,
                                                     priority: .final(since: since))
                finished.withLock { $0.append(name) }
            }
        }
        // The worker is held by a text request while the rest queue up.
        let holding = Task { try await queue.answer(TextRequest(task: .classifyText, texts: ["a"]), model: model) }
        try await waitUntil { model.calls.current == 1 }
        let early = Date(), late = early.addingTimeInterval(1)
        let lateClip = clip(1, since: late, name: "late request")
        try await waitUntil { queue.depth == 1 }
        let earlyClip = clip(3, since: early, name: "early request")
        try await waitUntil { queue.depth == 2 }
        let text = Task {
            _ = try await queue.answer(TextRequest(task: .punctuateText, texts: ["b"]), model: model)
            finished.withLock { $0.append("text") }
        }
        try await waitUntil { queue.depth == 3 }
        let afterText = clip(2, since: early, name: "clip after the text")
        try await waitUntil { queue.depth == 4 }
        model.releaseAll()
        for task in [lateClip, earlyClip, text, afterText] { try await task.value }
        _ = try await holding.value
        // The early request's clips before the late one's (the clip queued after the text, of the early request, goes
        // with them); the text after the clips queued before it and before the one queued after it.
        #expect(finished.current == ["early request", "text", "clip after the text", "late request"])
    }
}
