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
        func ids(_ texts: [[PunctuationCapitalizationLabel]], _ id: (PunctuationCapitalizationLabel) -> Int) -> [Int] {
            texts.flatMap { $0.map(id) }
        }
        for (p, r) in zip(predictions, references) {
            precondition(p.count == r.count, "PunctuationCapitalizationReport: \(p.count) predicted labels for \(r.count) words")
        }
        let mark = PunctuationCapitalizationData.punctuationID, capital = PunctuationCapitalizationData.capitalizationID
        punctuation = ClassificationReport(
            predictions: ids(predictions, mark), references: ids(references, mark),
            labelNames: PunctuationCapitalizationData.punctuationLabels.labels)
        capitalization = ClassificationReport(
            predictions: ids(predictions, capital), references: ids(references, capital),
            labelNames: PunctuationCapitalizationData.capitalizationLabels.labels)
    }

    /// F1 of one punctuation mark (`,`, `.`, `?` or `O`).
    public func f1(punctuation mark: Character) -> Double { punctuation.row(String(mark))?.f1 ?? 0 }

    /// F1 of capitalized words (the `U` class).
    public var capitalizationF1: Double { capitalization.row("U")?.f1 ?? 0 }
}
