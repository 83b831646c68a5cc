/// Accuracy and per-label precision, recall, F1 and support of predicted class ids against reference ids, with macro,
/// micro and support-weighted averages (scikit-learn's `classification_report` over all the given labels).
public struct ClassificationReport: Sendable, Equatable, Codable {
    /// One row per label, in label id order.
    public var labels: [PrecisionRecallF1]
    public var accuracy: Double
    public var macroAverage: PrecisionRecallF1
    /// Pooled over all labels (equal to accuracy when every label is included).
    public var microAverage: PrecisionRecallF1
    public var weightedAverage: PrecisionRecallF1
    /// The number of items compared.
    public var total: Int

    /// Compares `predictions[i]` with `references[i]`; ids index `labelNames`. Items whose reference is negative
    /// (`TextBatch.ignoreIndex`) are left out.
    public init(predictions: [Int], references: [Int], labelNames: [String]) {
        precondition(predictions.count == references.count,
                     "ClassificationReport: \(predictions.count) predictions for \(references.count) references")
        let matrix = ConfusionMatrix(predictions: predictions, references: references, labelNames: labelNames)
        self.init(matrix)
    }

    /// The report of a confusion matrix.
    public init(_ matrix: ConfusionMatrix) {
        let n = matrix.labelNames.count
        var rows: [PrecisionRecallF1] = []
        var correct = 0, total = 0
        for label in 0..<n {
            let truePositives = matrix.counts[label][label]
            let support = matrix.counts[label].reduce(0, +)
            let predicted = (0..<n).map { matrix.counts[$0][label] }.reduce(0, +)
            rows.append(PrecisionRecallF1(label: matrix.labelNames[label], correct: truePositives,
                                          predicted: predicted, support: support))
            correct += truePositives
            total += support
        }
        labels = rows
        self.total = total
        accuracy = total > 0 ? Double(correct) / Double(total) : 0
        macroAverage = PrecisionRecallF1.macroAverage(rows)
        weightedAverage = PrecisionRecallF1.weightedAverage(rows)
        microAverage = PrecisionRecallF1(label: "micro avg", correct: correct, predicted: total, support: total)
    }

    /// The row of the label named `name`, if any.
    public func row(_ name: String) -> PrecisionRecallF1? { labels.first { $0.label == name } }

    /// The report as a text table like scikit-learn's.
    public var table: String {
        PrecisionRecallF1.table(labels, averages: [macroAverage, microAverage, weightedAverage], accuracy: (accuracy, total))
    }
}
