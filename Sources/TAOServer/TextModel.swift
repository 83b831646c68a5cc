import Foundation

/// The language routes: `POST /v1/nlp:<task>`.
public enum TextTask: String, Sendable, CaseIterable {
    case classifyText = "classify_text"
    case classifyTokens = "classify_tokens"
    case analyzeIntent = "analyze_intent"
    case punctuateText = "punctuate_text"
}

/// A label with its score (Riva's `Classification`: `class_name`, `score`).
public struct TextLabel: Sendable, Equatable {
    public var name: String
    /// In [0, 1].
    public var score: Double

    public init(name: String, score: Double) {
        self.name = name
        self.score = score
    }
}

/// A token's labels and where it is in the text (Riva's `SingleTokenClassResult`).
public struct TokenLabels: Sendable, Equatable {
    public var token: String
    /// Best first.
    public var labels: [TextLabel]
    /// Character offsets of the token in the text, `start..<end`.
    public var start: Int, end: Int

    public init(token: String, labels: [TextLabel], start: Int, end: Int) {
        self.token = token
        self.labels = labels
        self.start = start
        self.end = end
    }
}

/// An utterance's intent and slots (Riva's `AnalyzeIntentResponse`).
public struct IntentAnalysis: Sendable, Equatable {
    public var intent: TextLabel
    public var slots: [TokenLabels]
    public var domain: TextLabel?

    public init(intent: TextLabel, slots: [TokenLabels], domain: TextLabel? = nil) {
        self.intent = intent
        self.slots = slots
        self.domain = domain
    }
}

/// An NLP model behind the `/v1/nlp:*` routes. TAONLP's task models plug in through a `ModelLoader` that returns
/// one of these; a model implements the tasks it lists in `textTasks` (the others are never called). Calls run on
/// the inference worker thread, one at a time, so implementations need no locking of their own. Each call takes a
/// list of texts: the server puts the texts of concurrent requests into one call (`answer(_:)`), so a model should
/// give every text the answer it would give it alone.
public protocol TextModel: ServedModel {
    var textTasks: Set<TextTask> { get }
    /// Per text, its labels best first (at most `topN`).
    func classifyText(_ texts: [String], topN: Int) throws -> [[TextLabel]]
    /// Per text, its tokens with their labels (at most `topN` each).
    func classifyTokens(_ texts: [String], topN: Int) throws -> [[TokenLabels]]
    /// Per query, its intent and slots.
    func analyzeIntent(_ queries: [String]) throws -> [IntentAnalysis]
    /// Each text with punctuation and capitals restored.
    func punctuate(_ texts: [String]) throws -> [String]
}

extension TextModel {
    public func classifyText(_ texts: [String], topN: Int) throws -> [[TextLabel]] { throw unsupported(.classifyText) }
    public func classifyTokens(_ texts: [String], topN: Int) throws -> [[TokenLabels]] { throw unsupported(.classifyTokens) }
    public func analyzeIntent(_ queries: [String]) throws -> [IntentAnalysis] { throw unsupported(.analyzeIntent) }
    public func punctuate(_ texts: [String]) throws -> [String] { throw unsupported(.punctuateText) }

    private func unsupported(_ task: TextTask) -> ServerError {
        .invalidArgument("model '\(name)' does not do \(task.rawValue)")
    }
}
