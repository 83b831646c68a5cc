import Foundation

/// An ordered set of label names; a label's id is its position. Written as NeMo writes its label files
/// (`label_ids.csv`, `dict.intents.csv`, `dict.slots.csv`): one label per line, id = line index.
public struct LabelVocabulary: Sendable, Equatable, Codable {
    /// The labels, id order.
    public let labels: [String]
    private let ids: [String: Int]

    /// The labels in id order; throws `badLabelVocabulary` for an empty list or a repeated label
    /// (`path` names where the list came from).
    public init(labels: [String], path: String = "labels") throws {
        guard !labels.isEmpty else {
            throw NLPDataError.badLabelVocabulary(path: path, line: 1, reason: "no labels")
        }
        var ids: [String: Int] = [:]
        for (index, label) in labels.enumerated() {
            guard !label.isEmpty else {
                throw NLPDataError.badLabelVocabulary(path: path, line: index + 1, reason: "empty label")
            }
            guard ids[label] == nil else {
                throw NLPDataError.badLabelVocabulary(
                    path: path, line: index + 1, reason: "'\(label)' already has id \(ids[label] ?? 0)")
            }
            ids[label] = index
        }
        self.labels = labels
        self.ids = ids
    }

    /// The labels seen in training data, NeMo's way: `padLabel` (the "nothing here" label, `O`) gets id 0
    /// even when unseen, the others follow in sorted order.
    public init<S: Sequence>(building seen: S, padLabel: String = "O") where S.Element == String {
        let others = Set(seen).subtracting([padLabel]).sorted()
        // Distinct, non-empty by construction: the throwing init cannot fail.
        self.labels = [padLabel] + others.filter { !$0.isEmpty }
        self.ids = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
    }

    /// Reads a label file: one label per line, surrounding spaces ignored; blank lines at the end are ignored.
    public static func read(_ path: String) throws -> LabelVocabulary {
        var lines = try DataFile.lines(path, expected: "a label file with one label per line")
        while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
        return try LabelVocabulary(labels: lines.map { $0.trimmingCharacters(in: .whitespaces) }, path: path)
    }

    /// Writes one label per line.
    public func write(to path: String) throws { try DataFile.write(labels, to: path) }

    /// Number of labels.
    public var count: Int { labels.count }

    /// The id of `label`, nil when it is not in the vocabulary.
    public func id(of label: String) -> Int? { ids[label] }

    /// The label of `id`, nil when out of range.
    public func label(for id: Int) -> String? { labels.indices.contains(id) ? labels[id] : nil }

    private enum CodingKeys: String, CodingKey { case labels }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(labels: container.decode([String].self, forKey: .labels))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(labels, forKey: .labels)
    }
}
