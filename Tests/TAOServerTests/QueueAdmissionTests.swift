import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TAOServer

@Suite("Queue admission: work is let in or refused as a whole, on arrival")
struct QueueAdmissionTests {
    @Test("a recognition let in has all its clips queued past the capacity and is answered whole; with the queue full, the next is refused at once")
    func wholeRequests() async throws {
        let speech = try #require(sharedRepository.speechModels.first)
        let (service, model) = gatedService(with: [speech]) { $0.queueCapacity = 2 }
        defer { model.releaseAll() }
        // Three utterances, each followed by a second of silence: three clips.
        var samples: [Float] = []
        for name in ["espeak_us_fox.wav", "flite_kal_weather.wav", "cards_001.wav"] {
            samples += try fixtureSamples(name) + [Float](repeating: 0, count: 16000)
        }
        let body = try JSONSerialization.data(withJSONObject: [
            "audio": Data(pcm16(samples)).base64EncodedString(),
            "config": ["encoding": "LINEAR_PCM", "sample_rate_hertz": 16000],
        ])
        try await service.makeApplication().test(.router) { client in
            /// The status and the number of results of a recognition of the three utterances.
            @Sendable func recognize() async throws -> (status: Int, results: Int) {
                try await client.execute(uri: "/v1/asr:recognize", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(bytes: body)) { response in
                    let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    return (Int(response.status.code), (object?["results"] as? [Any])?.count ?? 0)
                }
            }
            // A text request holds the worker while the recognition's clips queue up behind it.
            let holding = Task {
                try await client.execute(uri: "/v1/nlp:classify_text", method: .post, body: ByteBuffer(string: #"{"text": ["hi"]}"#)) {
                    Int($0.status.code)
                }
            }
            try await waitUntil { model.calls.current == 1 }
            let admitted = Task { try await recognize() }
            try await waitUntil { service.queue.depth > 2 }
            #expect(service.queue.depth > 2, "the admitted request's clips are queued past the capacity of 2")
            let refused = try await recognize()
            #expect(refused.status == 503)
            model.gate.signal()
            #expect(try await holding.value == 200)
            let answer = try await admitted.value
            #expect(answer.status == 200 && answer.results >= 3, "\(answer)")
        }
    }

    @Test("past the capacity, final clips still queue; a new request, a text request and an interim clip are refused; a request that would wait past its timeout is refused")
    func finalsQueuePastCapacity() async throws {
        let model = GatedTextModel()
        let recognizer = try #require(sharedRepository.speechModels.first).recognizer
        let queue = InferenceQueue(capacity: 2, textBatchWait: 0)
        defer { queue.stop() }
        defer { model.releaseAll() }
        let holding = Task { try await queue.answer(TextRequest(task: .classifyText, texts: ["a"]), model: model) }
        try await waitUntil { model.calls.current == 1 }
        let clip = [Float](repeating: 0, count: 16000)
        let finals = (0..<3).map { _ in Task { try await queue.logProbabilities(clip, recognizer: recognizer, priority: .final(since: Date())) } }
        try await waitUntil { queue.depth == 3 }
        #expect(queue.depth == 3)
        #expect(throws: ServerError.self) { _ = try queue.admitRequest(audioSeconds: 1, deadline: 120) }
        await #expect(throws: ServerError.self) {
            try await queue.answer(TextRequest(task: .classifyText, texts: ["b"]), model: model)
        }
        await #expect(throws: ServerError.self) { try await queue.logProbabilities(clip, recognizer: recognizer, priority: .interim) }
        model.gate.signal()
        _ = try await holding.value
        for task in finals { #expect(try await task.value.frames > 0) }
        // The worker's speed is known now. A request is let in while the audio before it can be done in time.
        let first = try queue.admitRequest(audioSeconds: 10, deadline: 120)
        do {
            _ = try queue.admitRequest(audioSeconds: 1e7, deadline: 120)
            Issue.record("a request of 1e7 s was let in behind 10 s of audio with a 120 s timeout")
        } catch let error as ServerError {
            #expect(error.httpStatus == 503 && "\(error)".contains("request timeout"), "\(error)")
        }
        first()
        // Alone, even a long request is let in: nothing waits before it.
        let alone = try queue.admitRequest(audioSeconds: 1e7, deadline: 120)
        alone()
    }
}
