import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TAOServer

@Suite("NLP request fields are type-checked: model, options, context, empty texts")
struct TextRequestCheckTests {
    let service = TAOService(configuration: ServerConfiguration(), repository: ModelRepository(models: [
        FakeTextModel(name: "fake", tasks: [.punctuateText, .classifyText, .classifyTokens, .analyzeIntent]),
    ]))

    /// The status and error message of a POST of `body` (JSON text) to `path`.
    func post(_ path: String, _ body: String) async throws -> (Int, String) {
        try await service.makeApplication().test(.router) { client in
            try await client.execute(uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) {
                (Int($0.status.code), errorObject($0.body)["message"] as? String ?? "")
            }
        }
    }

    @Test("a model that is not a name or {model_name} is a 400 naming the field", arguments: [
        (#"{"text":"a","model":5}"#, "request body.model: expected a model name"),
        (#"{"text":"a","model":["fake"]}"#, "request body.model: expected a model name"),
        (#"{"text":"a","model":{"nam":"fake"}}"#, "request body.model.nam: unknown field"),
        (#"{"text":"a","model":{"model_name":5}}"#, "request body.model.model_name: expected a string"),
    ])
    func wrongModel(body: String, expected: String) async throws {
        let (status, message) = try await post("/v1/nlp:classify_text", body)
        #expect(status == 400 && message.contains(expected), "\(status) \(message)")
    }

    @Test("both spellings of a valid model still work")
    func validModel() async throws {
        #expect(try await post("/v1/nlp:classify_text", #"{"text":"a","model":"fake"}"#).0 == 200)
        #expect(try await post("/v1/nlp:classify_text", #"{"text":"a","model":{"model_name":"fake"}}"#).0 == 200)
    }

    @Test("analyze_intent's options and context must be objects", arguments: [
        (#"{"query":"hi","options":"x"}"#, "request body.options: expected a JSON object"),
        (#"{"query":"hi","context":[1,2]}"#, "request body.context: expected a JSON object"),
    ])
    func intentOptions(body: String, expected: String) async throws {
        let (status, message) = try await post("/v1/nlp:analyze_intent", body)
        #expect(status == 400 && message.contains(expected), "\(status) \(message)")
        #expect(try await post("/v1/nlp:analyze_intent", #"{"query":"hi","options":{},"context":{}}"#).0 == 200)
    }

    @Test("an empty or whitespace-only text or query is a 400 'text is empty'", arguments: [
        ("/v1/nlp:analyze_intent", #"{"query":""}"#),
        ("/v1/nlp:analyze_intent", #"{"query":" \n\t"}"#),
        ("/v1/nlp:classify_text", #"{"text":[""]}"#),
        ("/v1/nlp:classify_tokens", #"{"text":"   "}"#),
        ("/v1/nlp:punctuate_text", #"{"text":["fine", " "]}"#),
    ])
    func emptyText(path: String, body: String) async throws {
        let (status, message) = try await post(path, body)
        #expect(status == 400 && message.contains("text is empty"), "\(status) \(message)")
    }
}
