import Foundation

/// Counts of (reference label, predicted label) pairs: `counts[reference][predicted]`, labels x labels.
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    public var labelNames: [String]
    /// `[labels][labels]`, rows are references, columns predictions.
    public var counts: [[Int]]

    /// Counts `predictions[i]` against `references[i]`; ids index `labelNames`. Items whose reference is negative
    /// (`TextBatch.ignoreIndex`) are left out.
    public init(predictions: [Int], references: [Int], labelNames: [String]) {
        precondition(predictions.count == references.count,
                     "ConfusionMatrix: \(predictions.count) predictions for \(references.count) references")
        let n = labelNames.count
        var counts = Array(repeating: Array(repeating: 0, count: n), count: n)
        for (predicted, reference) in zip(predictions, references) where reference >= 0 {
            precondition(reference < n && predicted >= 0 && predicted < n,
                         "ConfusionMatrix: ids \(reference), \(predicted) outside 0..<\(n)")
            counts[reference][predicted] += 1
        }
        self.labelNames = labelNames
        self.counts = counts
    }

    /// The matrix as text: a header row (`reference\predicted` then the label names), then one row per reference
    /// label, fields separated by `separator` (tab for TSV, comma for CSV; fields holding it are quoted).
    public func text(separator: Character = "\t") -> String {
        func field(_ s: String) -> String {
            s.contains(separator) || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        let sep = String(separator)
        var lines = [(["reference\\predicted"] + labelNames).map(field).joined(separator: sep)]
        for (name, row) in zip(labelNames, counts) {
            lines.append(([field(name)] + row.map(String.init)).joined(separator: sep))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `text(separator:)` to `path` (use `.tsv` with a tab, `.csv` with a comma).
    public func write(to path: String, separator: Character = "\t") throws {
        var lines = text(separator: separator).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()
        try DataFile.write(lines, to: path)
    }
}
