import Foundation

/// Picks the most probable tag sequence that is valid IOB2, where `I-x` may only follow `B-x` or `I-x`, from each
/// word's class probabilities (Viterbi). A word-by-word argmax can give `B-depart_time.end_time I-arrive_time.time`,
/// which span readers split into two wrong spans; the decoder weighs the whole sequence instead.
public struct IOBTagDecoder: Sendable {
    /// Per label: the entity type (an index into the `B-` labels' types) an `I-` label continues, nil otherwise.
    private let continues: [Int?]
    /// Per label: the entity type a `B-` or `I-` label belongs to, nil for `O` and other labels.
    private let types: [Int?]
    private let typeCount: Int
    /// The label of a word outside every entity (`O`, wherever the tag set puts it: ATIS lists it last).
    public let outside: Int

    /// nil unless `labels` is an IOB2 tag set: it has `I-` labels, and each `I-x` has its `B-x`.
    public init?(labels: [String]) {
        func type(_ label: String, prefix: String) -> String? { label.hasPrefix(prefix) ? String(label.dropFirst(prefix.count)) : nil }
        var typeIndex: [String: Int] = [:]
        for label in labels { if let type = type(label, prefix: "B-"), typeIndex[type] == nil { typeIndex[type] = typeIndex.count } }
        let inside = labels.map { type($0, prefix: "I-") }
        guard inside.contains(where: { $0 != nil }), inside.allSatisfy({ $0.map { typeIndex[$0] != nil } ?? true }) else { return nil }
        continues = inside.map { $0.flatMap { typeIndex[$0] } }
        types = labels.map { (type($0, prefix: "B-") ?? type($0, prefix: "I-")).flatMap { typeIndex[$0] } }
        typeCount = typeIndex.count
        outside = Self.outsideLabel(of: labels)
    }

    /// The index of `O` in `labels`, else of the first label that is no `B-`/`I-` tag, else 0.
    public static func outsideLabel(of labels: [String]) -> Int {
        labels.firstIndex(of: "O") ?? labels.firstIndex { !$0.hasPrefix("B-") && !$0.hasPrefix("I-") } ?? 0
    }

    /// The best valid labels for one sequence of words, `distributions[word][label]` (probabilities). A word without
    /// a distribution (cut by truncation) gets the `outside` label and ends any span before it.
    public func decode(_ distributions: [[Float]]) -> [Int] {
        var labels: [Int] = []
        var segment: [[Float]] = []
        for distribution in distributions {
            if distribution.count == continues.count {
                segment.append(distribution)
            } else {
                labels += best(segment) + [outside]
                segment = []
            }
        }
        return labels + best(segment)
    }

    /// Viterbi over one run of words that all have distributions. Any label may follow any other except `I-x`,
    /// whose predecessor must be `B-x` or `I-x`: so each step needs the best previous label overall, and per type.
    private func best(_ words: [[Float]]) -> [Int] {
        guard !words.isEmpty else { return [] }
        let count = continues.count
        let impossible = -Float.infinity
        var scores = (0..<count).map { continues[$0] == nil ? log(max(words[0][$0], .leastNormalMagnitude)) : impossible }
        var backPointers: [[Int]] = []
        for word in words.dropFirst() {
            let bestAny = scores.indices.max { scores[$0] < scores[$1] } ?? 0
            var bestOfType = [Int?](repeating: nil, count: typeCount)
            for label in 0..<count {
                guard let type = types[label], scores[label] > impossible else { continue }
                if let current = bestOfType[type], scores[current] >= scores[label] { continue }
                bestOfType[type] = label
            }
            var next = [Float](repeating: impossible, count: count)
            var pointers = [Int](repeating: bestAny, count: count)
            for label in 0..<count {
                let previous: Int?
                if let type = continues[label] { previous = bestOfType[type] } else { previous = bestAny }
                guard let previous, scores[previous] > impossible else { continue }
                next[label] = scores[previous] + log(max(word[label], .leastNormalMagnitude))
                pointers[label] = previous
            }
            scores = next
            backPointers.append(pointers)
        }
        var label = scores.indices.max { scores[$0] < scores[$1] } ?? 0
        var path = [label]
        for pointers in backPointers.reversed() {
            label = pointers[label]
            path.append(label)
        }
        return path.reversed()
    }
}
