/// Exact-span entity precision, recall and F1 (seqeval's default mode): a predicted entity counts only if a reference
/// entity has the same type and both boundaries. Per type, plus micro (the headline entity F1), macro and weighted averages.
public struct EntityReport: Sendable, Equatable, Codable {
    /// One row per entity type seen in references or predictions, sorted by type; support counts reference entities.
    public var types: [PrecisionRecallF1]
    public var microAverage: PrecisionRecallF1
    public var macroAverage: PrecisionRecallF1
    public var weightedAverage: PrecisionRecallF1

    /// Compares predicted tag sequences with reference ones, sentence by sentence (equal lengths).
    public init<S: StringProtocol>(predictions: [[S]], references: [[S]]) {
        precondition(predictions.count == references.count,
                     "EntityReport: \(predictions.count) predicted sentences for \(references.count) references")
        var predicted: [String: Int] = [:], actual: [String: Int] = [:], correct: [String: Int] = [:]
        for (sentence, (predictedTags, referenceTags)) in zip(predictions, references).enumerated() {
            precondition(predictedTags.count == referenceTags.count,
                         "EntityReport: sentence \(sentence) has \(predictedTags.count) predicted and \(referenceTags.count) reference tags")
            let predictedSpans = EntitySpan.spans(in: predictedTags), referenceSpans = Set(EntitySpan.spans(in: referenceTags))
            for span in predictedSpans {
                predicted[span.type, default: 0] += 1
                if referenceSpans.contains(span) { correct[span.type, default: 0] += 1 }
            }
            for span in referenceSpans { actual[span.type, default: 0] += 1 }
        }
        types = Set(predicted.keys).union(actual.keys).sorted().map { type in
            PrecisionRecallF1(label: type, correct: correct[type] ?? 0, predicted: predicted[type] ?? 0,
                              support: actual[type] ?? 0)
        }
        microAverage = PrecisionRecallF1(
            label: "micro avg", correct: correct.values.reduce(0, +), predicted: predicted.values.reduce(0, +),
            support: actual.values.reduce(0, +))
        macroAverage = PrecisionRecallF1.macroAverage(types)
        weightedAverage = PrecisionRecallF1.weightedAverage(types)
    }

    /// Compares predicted label-id sequences with reference ones, ids naming tags of `labels` (e.g. slot ids of
    /// `dict.slots.csv`, entity ids of `label_ids.csv`); an id outside `labels` reads as `O`.
    public init(predictions: [[Int]], references: [[Int]], labels: LabelVocabulary) {
        func tags(_ ids: [[Int]]) -> [[String]] { ids.map { $0.map { labels.label(for: $0) ?? "O" } } }
        self.init(predictions: tags(predictions), references: tags(references))
    }

    /// Entity F1 over all types (micro average), the usual headline number.
    public var f1: Double { microAverage.f1 }

    /// The report as a text table like seqeval's.
    public var table: String {
        PrecisionRecallF1.table(types, averages: [microAverage, macroAverage, weightedAverage], accuracy: nil)
    }
}
