import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TAOServer

/// Queries of different lengths (padding in a joint batch), with words out of the tiny vocabulary.
private let queries = [
    "show flights to denver", "boston", "flights to boston show flights to denver to boston", "show me flights",
    "denver to boston", "to", "show show show flights flights to to denver boston", "cheapest fares to denver please",
]

private func post(_ client: any TestClientProtocol, _ path: String, _ body: [String: Any]) async throws -> (Int, [String: Any]) {
    let data = try JSONSerialization.data(withJSONObject: body)
    return try await client.execute(uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: data)) {
        (Int($0.status.code), jsonObject($0.body))
    }
}

/// The parts of an analyze_intent response the batching test compares.
private struct IntentReply: Sendable {
    let status: Int
    let intent: String
    let score: Double
    let slots: [String]

    init(_ response: (Int, [String: Any])) {
        status = response.0
        let intent = response.1["intent"] as? [String: Any]
        self.intent = intent?["class_name"] as? String ?? ""
        score = intent?["score"] as? Double ?? -1
        slots = (response.1["slots"] as? [[String: Any]] ?? []).map { slot in
            let span = (slot["span"] as? [[String: Any]])?.first
            return "\(slot["token"] as? String ?? "") \(span?["start"] as? Int ?? -1)..<\(span?["end"] as? Int ?? -1)"
        }
    }
}

/// The value of the metric line starting with `prefix` in a Prometheus text body.
private func metric(_ text: String, _ prefix: String) -> Double? {
    text.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
}

/// Punctuates by upper-casing, counting the texts it is given.
private final class CountingModel: TextModel, @unchecked Sendable {
    let name = "counting"
    let task = "punctuation_and_capitalization"
    let textTasks: Set<TextTask> = [.punctuateText]
    var details: [String: Any] { [:] }
    let seen = Locked(0)

    func punctuate(_ texts: [String]) throws -> [String] {
        seen.withLock { $0 += texts.count }
        return texts.map { $0.uppercased() }
    }
}

@Suite("NLP requests batched on the inference worker")
struct TextBatchingTests {
    @Test("texts run in chunks; a request no longer wanted stops at the next chunk, and the others are answered in full")
    func abandonedRequestStops() throws {
        let model = CountingModel()
        let long = TextRequest(task: .punctuateText, texts: Array(repeating: "abcdefghij", count: 20))
        let short = TextRequest(task: .punctuateText, texts: ["one", "two"])
        // Chunks of 25 characters: two long texts each; the long request is abandoned once 4 texts have run.
        let answers = model.answer([long, short], wanted: { $0 == 1 || model.seen.withLock { $0 } < 4 }, chunkCharacters: 25)
        #expect(model.seen.withLock { $0 } == 6)
        #expect(throws: ServerError.self) { try answers[0].get() }
        guard case let .texts(texts) = try answers[1].get() else { Issue.record("not texts"); return }
        #expect(texts == ["ONE", "TWO"])
    }

    @Test("texts of several requests in one model call give each request what it gets alone (scores to 1e-5)")
    func jointCallEqualsAlone() throws {
        let folder = try tinyIntentModelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try #require(try ModelRepository(directory: folder).textModel(for: .analyzeIntent))
        let requests = queries.map { TextRequest(task: .analyzeIntent, texts: [$0]) }
        let joint = model.answer(requests)
        #expect(joint.count == requests.count)
        for (request, answer) in zip(requests, joint) {
            guard case let .intents(together) = try answer.get(), case let .intents(alone) = try model.answer([request])[0].get() else {
                Issue.record("analyze_intent answered with another kind")
                continue
            }
            #expect(together.count == 1 && alone.count == 1)
            #expect(together[0].intent.name == alone[0].intent.name)
            #expect(abs(together[0].intent.score - alone[0].intent.score) <= 1e-5)
            #expect(together[0].slots.map(\.token) == alone[0].slots.map(\.token))
            #expect(together[0].slots.map(\.start) == alone[0].slots.map(\.start))
            for (a, b) in zip(together[0].slots, alone[0].slots) {
                #expect(a.labels.map(\.name) == b.labels.map(\.name))
                #expect(zip(a.labels, b.labels).allSatisfy { abs($0.score - $1.score) <= 1e-5 })
            }
        }
        // classify_text with two texts in one request and different top_n per request: each gets its own cut.
        let classify = [TextRequest(task: .classifyText, texts: [queries[0], queries[2]], topN: 1),
                        TextRequest(task: .classifyText, texts: [queries[1]], topN: 2)]
        let labels = try model.answer(classify).map { answer -> [[TextLabel]] in
            guard case let .labels(labels) = try answer.get() else { return [] }
            return labels
        }
        #expect(labels.map { $0.map(\.count) } == [[1, 1], [2]])
        for (request, together) in zip(classify, labels) {
            guard case let .labels(alone) = try model.answer([request])[0].get() else { continue }
            #expect(together.map { $0.map(\.name) } == alone.map { $0.map(\.name) })
            #expect(zip(together.joined(), alone.joined()).allSatisfy { abs($0.score - $1.score) <= 1e-5 })
        }
    }

    @Test("8 concurrent analyze_intent requests go through one model call, answer as alone, and /metrics counts them")
    func concurrentRequestsShareOneCall() async throws {
        let folder = try tinyIntentModelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let repository = try ModelRepository(directory: folder)
        let alone = TAOService(configuration: ServerConfiguration(), repository: repository)
        let expected = Locked([String: IntentReply]())
        try await alone.makeApplication().test(.router) { client in
            for query in queries {
                let reply = try await IntentReply(post(client, "/v1/nlp:analyze_intent", ["query": query]))
                expected.withLock { $0[query] = reply }
            }
        }
        // A batch leaves when its 8 texts are in (or after 5 s): the concurrent requests must share one call.
        var configuration = ServerConfiguration()
        configuration.maxTextBatch = queries.count
        configuration.textBatchWait = 5
        let batching = TAOService(configuration: configuration, repository: repository)
        try await batching.makeApplication().test(.router) { client in
            let answers = try await withThrowingTaskGroup(of: (String, IntentReply).self) { group in
                for query in queries {
                    group.addTask { (query, try await IntentReply(post(client, "/v1/nlp:analyze_intent", ["query": query]))) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == queries.count)
            for (query, reply) in answers {
                let reference = try #require(expected.current[query])
                #expect(reply.status == 200 && reference.status == 200)
                #expect(reply.intent == reference.intent && reply.slots == reference.slots, "\(query)")
                #expect(abs(reply.score - reference.score) <= 1e-4, "\(query)")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(metric(text, "tao_requests_total{route=\"/v1/nlp:analyze_intent\",code=\"200\"}") == Double(queries.count))
                #expect(metric(text, "tao_text_batch_size_count") == 1)
                #expect(metric(text, "tao_text_batch_size_sum") == Double(queries.count))
            }
        }
    }

    @Test("a full queue answers 503 RESOURCE_EXHAUSTED at once; the waiting requests are answered afterwards")
    func fullQueueRefuses() async throws {
        let (service, model) = gatedService { $0.queueCapacity = 2 }
        defer { model.releaseAll() }
        try await service.makeApplication().test(.router) { client in
            @Sendable func classify() async throws -> Int { try await post(client, "/v1/nlp:classify_text", ["text": ["hello"]]).0 }
            let running = Task { try await classify() }
            try await waitUntil { model.calls.current > 0 }
            let waiting = (0..<2).map { _ in Task { try await classify() } }
            try await waitUntil { service.queue.depth == 2 }
            #expect(service.queue.depth == 2)
            try await client.execute(uri: "/v1/nlp:classify_text", method: .post, body: ByteBuffer(bytes: Array(#"{"text": ["hi"]}"#.utf8))) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                let error = errorObject(response.body)
                #expect(error["code"] as? Int == 503 && error["status"] as? String == "RESOURCE_EXHAUSTED")
                #expect((error["message"] as? String)?.contains("queue full") == true)
            }
            for _ in 0..<2 { model.gate.signal() }
            #expect(try await running.value == 200)
            for task in waiting { #expect(try await task.value == 200) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(metric(text, "tao_requests_total{route=\"/v1/nlp:classify_text\",code=\"200\"}") == 3)
                #expect(metric(text, "tao_requests_total{route=\"/v1/nlp:classify_text\",code=\"503\"}") == 1)
            }
        }
    }
}
