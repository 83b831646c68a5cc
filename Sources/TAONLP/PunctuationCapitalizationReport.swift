import TAOText

/// Word-level metrics of punctuation_and_capitalization predictions: a classification report over the punctuation
/// marks (`O , . ?`) and one over capitalization (`O U`), as NeMo reports them.
public struct PunctuationCapitalizationReport: Sendable, Equatable, Codable {
    public var punctuation: ClassificationReport
    public var capitalization: ClassificationReport

    /// Compares predicted labels with reference labels, word by word (sentences of equal lengths).
    public init(predictions: [[PunctuationCapitalizationLabel]], references: [[PunctuationCapitalizationLabel]]) {
        precondition(predictions.count == references.count,
                     "PunctuationCapitalizationReport: \(predictions.count) predicted texts for \(references.count)")
        var predicted: [LabelledText] = [], reference: [LabelledText] = []
        for (p, r) in zip(predictions, references) {
            precondition(p.count == r.count, "PunctuationCapitalizationReport: \(p.count) predicted labels for \(r.count) words")
            let words = Array(repeating: "", count: p.count)
            predicted.append(PunctuationCapitalizationData.labelledText(.init(words: words, labels: p)))
            reference.append(PunctuationCapitalizationData.labelledText(.init(words: words, labels: r)))
        }
        func report(head: Int, names: LabelVocabulary) -> ClassificationReport {
            ClassificationReport(predictions: predicted.flatMap { $0.wordLabels[head] },
                                 references: reference.flatMap { $0.wordLabels[head] }, labelNames: names.labels)
        }
        punctuation = report(head: 0, names: PunctuationCapitalizationData.punctuationLabels)
        capitalization = report(head: 1, names: PunctuationCapitalizationData.capitalizationLabels)
    }

    /// F1 of one punctuation mark (`,`, `.`, `?` or `O`).
    public func f1(punctuation mark: Character) -> Double { punctuation.row(String(mark))?.f1 ?? 0 }

    /// F1 of capitalized words (the `U` class).
    public var capitalizationF1: Double { capitalization.row("U")?.f1 ?? 0 }
}
