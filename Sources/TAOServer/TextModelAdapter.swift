import Foundation
import TAOToolkit

/// A text model of any of the four text tasks (`TextModelRunner`) behind the NLP routes: text_classification
/// serves classify_text, token_classification classify_tokens, intent_slot_classification analyze_intent (and
/// classify_text for its intents), punctuation_and_capitalization punctuate_text and automatic punctuation.
final class TextRunnerModel: TextModel, @unchecked Sendable {
    let name: String
    let runner: TextModelRunner
    var task: String { runner.task.rawValue }

    init(name: String, runner: TextModelRunner) {
        self.name = name
        self.runner = runner
    }

    var textTasks: Set<TextTask> {
        switch runner.task {
        case .textClassification: [.classifyText]
        case .tokenClassification: [.classifyTokens]
        case .intentSlotClassification: [.analyzeIntent, .classifyText]
        case .punctuationAndCapitalization: [.punctuateText]
        default: []
        }
    }

    var details: [String: Any] {
        var entry: [String: Any] = ["routes": textTasks.map { "/v1/nlp:\($0.rawValue)" }.sorted()]
        if !runner.sequenceLabels.isEmpty { entry["labels"] = runner.sequenceLabels }
        if let tokens = runner.tokenLabels.first, !tokens.isEmpty { entry["token_labels"] = tokens }
        return entry
    }

    func classifyText(_ texts: [String], topN: Int) throws -> [[TextLabel]] {
        try runner.classify(texts, top: topN).map { $0.map { TextLabel(name: $0.name, score: $0.probability) } }
    }

    func classifyTokens(_ texts: [String], topN: Int) throws -> [[TokenLabels]] {
        try runner.tag(texts, top: topN).map { $0.map(Self.token) }
    }

    func analyzeIntent(_ queries: [String]) throws -> [IntentAnalysis] {
        try runner.analyzeIntents(queries).map {
            IntentAnalysis(intent: TextLabel(name: $0.intent.name, score: $0.intent.probability), slots: $0.slots.map(Self.token))
        }
    }

    func punctuate(_ texts: [String]) throws -> [String] { try runner.punctuate(texts) }

    private static func token(_ word: TextModelRunner.WordLabels) -> TokenLabels {
        TokenLabels(token: word.word, labels: word.labels.map { TextLabel(name: $0.name, score: $0.probability) },
                    start: word.range.lowerBound, end: word.range.upperBound)
    }
}

/// Loads the `.tao` files of the text tasks.
struct TextModelLoader: ModelLoader {
    func load(_ url: URL, name: String, key: String?) throws -> (any ServedModel)? {
        guard TextModelRunner.isTextModel(url, key: key) else { return nil }
        return TextRunnerModel(name: name, runner: try TextModelRunner(url: url, key: key))
    }
}
