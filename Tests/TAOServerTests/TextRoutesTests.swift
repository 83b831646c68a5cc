import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TAOServer

/// A stand-in NLP model: upper-cases first letters and adds a period; labels by text length.
final class FakeTextModel: TextModel, @unchecked Sendable {
    let name: String
    let task = "punctuation_and_capitalization"
    let textTasks: Set<TextTask>
    var details: [String: Any] { ["labels": ["short", "long"]] }

    init(name: String, tasks: Set<TextTask>) {
        self.name = name
        textTasks = tasks
    }

    func punctuate(_ texts: [String]) throws -> [String] { texts.map { $0.prefix(1).uppercased() + $0.dropFirst() + "." } }

    func classifyText(_ texts: [String], topN: Int) throws -> [[TextLabel]] {
        texts.map { Array([TextLabel(name: $0.count > 10 ? "long" : "short", score: 0.9), TextLabel(name: $0.count > 10 ? "short" : "long", score: 0.1)].prefix(topN)) }
    }

    func classifyTokens(_ texts: [String], topN: Int) throws -> [[TokenLabels]] {
        texts.map { text in
            var offset = 0
            return text.split(separator: " ").map { word in
                defer { offset += word.count + 1 }
                return TokenLabels(token: String(word), labels: [TextLabel(name: word.first == "b" ? "B-LOC" : "O", score: 0.8)],
                                   start: offset, end: offset + word.count)
            }
        }
    }

    func analyzeIntent(_ queries: [String]) throws -> [IntentAnalysis] {
        queries.map { _ in
            IntentAnalysis(intent: TextLabel(name: "weather.forecast", score: 0.75),
                           slots: [TokenLabels(token: "boston", labels: [TextLabel(name: "city", score: 0.6)], start: 0, end: 6)],
                           domain: TextLabel(name: "weather", score: 0.9))
        }
    }
}

extension ModelTests {
    @Suite("NLP routes and the TextModel plug-in")
    struct TextRoutesTests {
        let service: TAOService = {
            let speech = sharedRepository.models
            let text: [any ServedModel] = [FakeTextModel(name: "punct", tasks: [.punctuateText, .classifyText, .classifyTokens, .analyzeIntent])]
            var configuration = ServerConfiguration()
            configuration.maxTextLength = 100
            return TAOService(configuration: configuration, repository: ModelRepository(models: speech + text))
        }()

        func post(_ client: any TestClientProtocol, _ path: String, _ body: [String: Any]) async throws -> (Int, [String: Any]) {
            let data = try JSONSerialization.data(withJSONObject: body)
            return try await client.execute(uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: data)) {
                (Int($0.status.code), jsonObject($0.body))
            }
        }

        @Test("each route answers with Riva's field names")
        func shapes() async throws {
            try await service.makeApplication().test(.router) { client in
                let (status, punctuated) = try await post(client, "/v1/nlp:punctuate_text", ["text": ["hello there"]])
                #expect(status == 200)
                #expect(punctuated["text"] as? [String] == ["Hello there."])
                let (_, classified) = try await post(client, "/v1/nlp:classify_text", ["text": ["a long sentence here", "hi"], "top_n": 2,
                                                                                          "model": ["model_name": "punct"]])
                let results = classified["results"] as? [[String: Any]] ?? []
                #expect(results.count == 2)
                let labels = results.first?["labels"] as? [[String: Any]] ?? []
                #expect(labels.first?["class_name"] as? String == "long" && labels.count == 2)
                let (_, tokens) = try await post(client, "/v1/nlp:classify_tokens", ["text": ["in boston now"]])
                let token = ((tokens["results"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?[1]
                #expect(token?["token"] as? String == "boston")
                #expect((token?["label"] as? [[String: Any]])?.first?["class_name"] as? String == "B-LOC")
                #expect((token?["span"] as? [[String: Any]])?.first?["start"] as? Int == 3)
                let (_, intent) = try await post(client, "/v1/nlp:analyze_intent", ["query": "weather in boston"])
                #expect((intent["intent"] as? [String: Any])?["class_name"] as? String == "weather.forecast")
                #expect(intent["domain_str"] as? String == "weather")
                #expect((intent["slots"] as? [Any])?.count == 1)
            }
        }

        @Test("wrong requests: no text, unknown model, too long, no model for the task")
        func errors() async throws {
            try await service.makeApplication().test(.router) { client in
                let missing = try await post(client, "/v1/nlp:punctuate_text", [:]).0
                let unknown = try await post(client, "/v1/nlp:punctuate_text", ["text": ["x"], "model": "nope"]).0
                let long = try await post(client, "/v1/nlp:punctuate_text", ["text": [String(repeating: "a", count: 101)]]).0
                let typo = try await post(client, "/v1/nlp:punctuate_text", ["txt": ["x"]])
                #expect(missing == 400 && unknown == 400 && long == 413)
                #expect(typo.0 == 400 && ((typo.1["error"] as? [String: Any])?["message"] as? String)?.contains("did you mean 'text'") == true)
            }
            try await sharedService.makeApplication().test(.router) { client in
                let (status, body) = try await post(client, "/v1/nlp:classify_text", ["text": ["x"]])
                #expect(status == 503)
                #expect(((body["error"] as? [String: Any])?["message"] as? String)?.contains("no model for classify_text") == true)
            }
        }

        @Test("enable_automatic_punctuation runs the transcript through the punctuation model")
        func automaticPunctuation() async throws {
            let bytes = try fixtureBytes("cards_001.wav")
            try await service.makeApplication().test(.router) { client in
                let plain = try await client.execute(uri: "/v1/asr:recognize", method: .post, body: ByteBuffer(bytes: bytes)) {
                    transcripts(jsonObject($0.body)).first ?? ""
                }
                let punctuated = try await client.execute(uri: "/v1/asr:recognize?enable_automatic_punctuation=true", method: .post,
                                                          body: ByteBuffer(bytes: bytes)) { transcripts(jsonObject($0.body)).first ?? "" }
                #expect(!plain.isEmpty)
                #expect(punctuated == plain.prefix(1).uppercased() + plain.dropFirst() + ".")
            }
        }
    }
}
