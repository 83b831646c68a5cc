/// Precision, recall and F1 of one label (or an average over labels), with its support: the row of a
/// classification report. A ratio whose denominator is zero counts as 0, as scikit-learn's `zero_division=0`.
public struct PrecisionRecallF1: Sendable, Equatable, Codable {
    /// The label, entity type, or average (`macro avg`, `micro avg`, `weighted avg`).
    public var label: String
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// Reference items (or entities) of this label.
    public var support: Int

    public init(label: String, precision: Double, recall: Double, f1: Double, support: Int) {
        self.label = label
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.support = support
    }

    /// From counts: `correct` true positives among `predicted` predictions and `support` references.
    public init(label: String, correct: Int, predicted: Int, support: Int) {
        let precision = predicted > 0 ? Double(correct) / Double(predicted) : 0
        let recall = support > 0 ? Double(correct) / Double(support) : 0
        self.init(label: label, precision: precision, recall: recall,
                  f1: precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0, support: support)
    }

    /// The unweighted mean of each metric over `rows` (support summed).
    static func macroAverage(_ rows: [PrecisionRecallF1]) -> PrecisionRecallF1 {
        let n = Double(max(rows.count, 1))
        return PrecisionRecallF1(
            label: "macro avg", precision: rows.map(\.precision).reduce(0, +) / n,
            recall: rows.map(\.recall).reduce(0, +) / n, f1: rows.map(\.f1).reduce(0, +) / n,
            support: rows.map(\.support).reduce(0, +))
    }

    /// The support-weighted mean of each metric over `rows`.
    static func weightedAverage(_ rows: [PrecisionRecallF1]) -> PrecisionRecallF1 {
        let total = rows.map(\.support).reduce(0, +)
        func mean(_ metric: (PrecisionRecallF1) -> Double) -> Double {
            total > 0 ? rows.map { metric($0) * Double($0.support) }.reduce(0, +) / Double(total) : 0
        }
        return PrecisionRecallF1(label: "weighted avg", precision: mean(\.precision), recall: mean(\.recall),
                                 f1: mean(\.f1), support: total)
    }

    /// A report table like scikit-learn's `classification_report` (4 decimals).
    static func table(_ rows: [PrecisionRecallF1], averages: [PrecisionRecallF1], accuracy: (Double, Int)?) -> String {
        let width = max(12, (rows + averages).map(\.label.count).max() ?? 0)
        func pad(_ text: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - text.count)) + text }
        func number(_ x: Double) -> String { pad(String(format4(x)), 10) }
        func line(_ row: PrecisionRecallF1) -> String {
            pad(row.label, width) + number(row.precision) + number(row.recall) + number(row.f1) + pad("\(row.support)", 10)
        }
        var lines = [pad("", width) + pad("precision", 10) + pad("recall", 10) + pad("f1-score", 10) + pad("support", 10), ""]
        lines += rows.map(line)
        lines.append("")
        if let (accuracy, total) = accuracy {
            lines.append(pad("accuracy", width) + pad("", 20) + number(accuracy) + pad("\(total)", 10))
        }
        lines += averages.map(line)
        return lines.joined(separator: "\n") + "\n"
    }
}

/// `x` with 4 decimals, without Foundation's formatting.
func format4(_ x: Double) -> String {
    guard x.isFinite else { return "\(x)" }
    let scaled = Int((abs(x) * 10_000).rounded())
    let fraction = String(scaled % 10_000)
    return (x < 0 && scaled > 0 ? "-" : "") + "\(scaled / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
}
