import Foundation
import TAOTensor

/// `POST /v1/nlp:classify_text | classify_tokens | analyze_intent | punctuate_text` with Riva's request and
/// response field names: requests `{"text": ["..."], "model": "name" | {"model_name": "name"}, "top_n": 1}`
/// (analyze_intent: `{"query": "...", "options": {...}, "context": {...}}`; `options` and `context` must be objects
/// and are otherwise ignored: tao's intent models take no previous intent, domain or context).
struct TextRoutes {
    let repository: ModelRepository
    let queue: InferenceQueue
    let maxTextLength: Int

    func respond(task: TextTask, body: [UInt8]) async throws -> [String: Any] {
        let request = try JSONObject(parsing: Data(body), name: "request body")
        let model = try textModel(for: task, request: request)
        switch try await queue.answer(try textRequest(task, request), model: model) {
        case let .intents(analyses):
            guard let analysis = analyses.first else { throw ServerError.internalError("analyze_intent gave no answer") }
            var response: [String: Any] = ["intent": Self.classification(analysis.intent), "slots": analysis.slots.map(Self.token)]
            if let domain = analysis.domain {
                response["domain"] = Self.classification(domain)
                response["domain_str"] = domain.name
            }
            return response
        case let .labels(labels):
            return ["results": labels.map { ["labels": $0.map(Self.classification)] }]
        case let .tokens(tokens):
            return ["results": tokens.map { ["results": $0.map(Self.token)] }]
        case let .texts(punctuated):
            return ["text": punctuated]
        }
    }

    /// The checked request: analyze_intent's `query`, the others' `text` list and `top_n`.
    private func textRequest(_ task: TextTask, _ request: JSONObject) throws -> TextRequest {
        if task == .analyzeIntent {
            try request.checkKeys(["query", "model", "options", "context"])
            _ = try request.object("options")
            _ = try request.object("context")
            guard let query = try request.string("query") else { throw ServerError.invalidArgument("request body: 'query' is missing") }
            try checkNotBlank([query], field: request.field("query"))
            try checkLength([query])
            return TextRequest(task: task, texts: [query])
        }
        try request.checkKeys(task == .punctuateText ? ["text", "model"] : ["text", "model", "top_n"])
        let texts = try texts(request)
        let topN = try request.int("top_n", in: 0...1000).map { max($0, 1) } ?? 1
        return TextRequest(task: task, texts: texts, topN: topN)
    }

    /// The request's `text` list (a single string is accepted too).
    private func texts(_ request: JSONObject) throws -> [String] {
        let texts: [String]
        if let one = try? request.string("text") { texts = [one] } else { texts = try request.strings("text") ?? [] }
        guard !texts.isEmpty else { throw ServerError.invalidArgument("request body: 'text' is missing (a list of strings)") }
        guard texts.count <= 64 else { throw ServerError.tooLarge("request body: \(texts.count) texts; at most 64 per request") }
        try checkNotBlank(texts, field: request.field("text"))
        try checkLength(texts)
        return texts
    }

    /// An empty or whitespace-only text has nothing to label: a model would still answer with a confident label.
    private func checkNotBlank(_ texts: [String], field: String) throws {
        if let index = texts.firstIndex(where: { $0.allSatisfy(\.isWhitespace) }) {
            throw ServerError.invalidArgument("\(field)\(texts.count > 1 ? "[\(index)]" : ""): text is empty")
        }
    }

    private func checkLength(_ texts: [String]) throws {
        if let long = texts.first(where: { $0.count > maxTextLength }) {
            throw ServerError.tooLarge("a text of \(long.count) characters; this server takes at most \(maxTextLength) (--max-text-length)")
        }
    }

    /// The model the request names (`"model": "name"` or `{"model_name": "name"}`), else the first that does `task`.
    private func textModel(for task: TextTask, request: JSONObject) throws -> any TextModel {
        let models = repository.models.compactMap { $0 as? any TextModel }.filter { $0.textTasks.contains(task) }
        if let name = try modelName(request), !name.isEmpty {
            guard let model = models.first(where: { $0.name == name }) else {
                throw ServerError.invalidArgument("model: no \(task.rawValue) model named '\(clipped(name))' (loaded: \(models.map(\.name).joined(separator: ", ")))")
            }
            return model
        }
        guard let model = models.first else {
            throw ServerError.modelUnavailable("no model for \(task.rawValue) is loaded (put its .tao in the model folder)")
        }
        return model
    }

    /// The name in `"model": "name"` or `"model": {"model_name": "name"}`; any other value is an error.
    private func modelName(_ request: JSONObject) throws -> String? {
        guard let value = request.values["model"], !(value is NSNull) else { return nil }
        if value is String { return try request.string("model") }
        guard value is [String: Any], let object = try request.object("model") else {
            throw ServerError.invalidArgument("\(request.field("model")): expected a model name or {\"model_name\": \"...\"}, "
                                              + "got \(JSONValue.describe(value))")
        }
        try object.checkKeys(["model_name"])
        return try object.string("model_name")
    }

    static func classification(_ label: TextLabel) -> [String: Any] {
        ["class_name": label.name, "score": (label.score * 10000).rounded() / 10000]
    }

    static func token(_ token: TokenLabels) -> [String: Any] {
        ["token": token.token, "label": token.labels.map(classification), "span": [["start": token.start, "end": token.end]]]
    }
}
