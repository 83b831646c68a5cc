import Foundation
import TAONLP
import TAOText

/// The metrics of a text task on labelled data: what `evaluate` writes and training reports on validation data.
struct TextEvaluation {
    /// Flat metrics for metrics.json, the registry and the progress line (`accuracy`, `f1`, ...).
    var metrics: [String: Double] = [:]
    /// Per-label reports (precision, recall, F1, support) by name, for metrics.json.
    var reports: [String: Any] = [:]
    /// Human-readable tables for `report.txt`.
    var tables: [String] = []
    /// The confusion matrix of the main labels (text classes, intents, tags, punctuation).
    var confusion: ConfusionMatrix?
    /// The headline figure a training run tracks (higher is better).
    var headline: (name: String, value: Double) = ("accuracy", 0)

    /// Scores `predictions` against the labels of `data`.
    static func score(_ task: TaskName, data: TextDataset, predictions: TextPredictions) -> TextEvaluation {
        var result = TextEvaluation()
        func names(_ vocabulary: LabelVocabulary, _ ids: [Int]) -> [String] { ids.map { vocabulary.label(for: $0) ?? "?" } }
        func sequenceReport(_ vocabulary: LabelVocabulary, prefix: String) {
            let references = data.texts.map { $0.sequenceLabel ?? 0 }
            let predicted = predictions.sequence.map { $0?.label ?? 0 }
            let report = ClassificationReport(predictions: predicted, references: references, labelNames: vocabulary.labels)
            result.metrics[prefix + "accuracy"] = report.accuracy
            result.metrics[prefix + "macro_f1"] = report.macroAverage.f1
            result.reports[prefix + "report"] = encodable(report)
            result.tables.append("\(prefix.isEmpty ? "classes" : prefix.dropLast()):\n" + report.table)
            result.confusion = ConfusionMatrix(predictions: predicted, references: references, labelNames: vocabulary.labels)
        }
        func tagReports(_ vocabulary: LabelVocabulary, head: Int, prefix: String) {
            let references = data.texts.map { $0.wordLabels[head] }
            let predicted = predictions.tokens[head].map { $0.map(\.label) }
            let report = ClassificationReport(predictions: predicted.flatMap { $0 }, references: references.flatMap { $0 },
                                              labelNames: vocabulary.labels)
            let entities = EntityReport(predictions: predicted.map { names(vocabulary, $0) }, references: references.map { names(vocabulary, $0) })
            result.metrics[prefix + "token_accuracy"] = report.accuracy
            result.metrics[prefix + "f1"] = entities.f1
            result.metrics[prefix + "precision"] = entities.microAverage.precision
            result.metrics[prefix + "recall"] = entities.microAverage.recall
            result.reports[prefix + "token_report"] = encodable(report)
            result.reports[prefix + "entity_report"] = encodable(entities)
            result.tables.append("\(prefix)tags (per word):\n" + report.table)
            result.tables.append("\(prefix)entities (exact spans):\n" + entities.table)
            if result.confusion == nil {
                result.confusion = ConfusionMatrix(predictions: predicted.flatMap { $0 }, references: references.flatMap { $0 },
                                                   labelNames: vocabulary.labels)
            }
        }
        switch task {
        case .textClassification:
            if let classes = data.labels.sequence { sequenceReport(classes, prefix: "") }
            result.headline = ("accuracy", result.metrics["accuracy"] ?? 0)
        case .intentSlotClassification:
            if let intents = data.labels.sequence { sequenceReport(intents, prefix: "intent_") }
            if let slots = data.labels.tokens.first { tagReports(slots, head: 0, prefix: "slot_") }
            result.headline = ("intent_accuracy", result.metrics["intent_accuracy"] ?? 0)
        case .tokenClassification:
            if let tags = data.labels.tokens.first { tagReports(tags, head: 0, prefix: "entity_") }
            result.headline = ("entity_f1", result.metrics["entity_f1"] ?? 0)
        default:
            let labels = { (ids: (p: [Int], c: [Int])) in
                zip(ids.p, ids.c).map { PunctuationCapitalizationData.label(punctuation: $0, capitalization: $1) ?? .none }
            }
            let references = data.texts.map { labels(($0.wordLabels[0], $0.wordLabels[1])) }
            let predicted = zip(predictions.tokens[0], predictions.tokens[1]).map { labels(($0.map(\.label), $1.map(\.label))) }
            let report = PunctuationCapitalizationReport(predictions: predicted, references: references)
            for mark in PunctuationCapitalizationLabel.punctuationMarks where mark != "O" {
                result.metrics["punct_f1_\(name(of: mark))"] = report.f1(punctuation: mark)
            }
            result.metrics["punct_accuracy"] = report.punctuation.accuracy
            result.metrics["punct_macro_f1"] = report.punctuation.macroAverage.f1
            result.metrics["capit_f1"] = report.capitalizationF1
            result.metrics["capit_accuracy"] = report.capitalization.accuracy
            result.reports["punct_report"] = encodable(report.punctuation)
            result.reports["capit_report"] = encodable(report.capitalization)
            result.tables.append("punctuation:\n" + report.punctuation.table)
            result.tables.append("capitalization:\n" + report.capitalization.table)
            let ids = { (labels: [[PunctuationCapitalizationLabel]]) in
                labels.flatMap { $0 }.map { PunctuationCapitalizationLabel.punctuationMarks.firstIndex(of: $0.punctuation) ?? 0 }
            }
            result.confusion = ConfusionMatrix(predictions: ids(predicted), references: ids(references),
                                               labelNames: PunctuationCapitalizationLabel.punctuationMarks.map(String.init))
            result.headline = ("punct_macro_f1", result.metrics["punct_macro_f1"] ?? 0)
        }
        return result
    }

    /// A mark's name in metric keys (`,` -> comma).
    static func name(of mark: Character) -> String {
        switch mark { case ",": "comma"; case ".": "period"; case "?": "question"; default: String(mark) }
    }

    /// A Codable report as JSON objects for metrics.json.
    private static func encodable<T: Encodable>(_ value: T) -> Any {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(value), let object = try? JSONSerialization.jsonObject(with: data) else { return [:] }
        return object
    }
}
