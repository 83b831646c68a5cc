/// Loss weights that balance classes by frequency, as NeMo's `class_balancing: weighted_loss`:
/// `weight[c] = total / (classesSeen * count[c])`, so every seen class carries the same total weight.
public enum ClassWeights {
    /// Weights from per-class counts; a class never seen gets 1 (it never appears as a target).
    public static func weights(counts: [Int]) -> [Float] {
        let total = counts.reduce(0, +), seen = counts.filter { $0 > 0 }.count
        return counts.map { $0 > 0 ? Float(total) / Float(seen * $0) : 1 }
    }

    /// Weights of the sentence labels of `examples` over `classCount` classes.
    public static func sequenceWeights(_ examples: [LabelledText], classCount: Int) -> [Float] {
        var counts = Array(repeating: 0, count: classCount)
        for case let label? in examples.map(\.sequenceLabel) where counts.indices.contains(label) { counts[label] += 1 }
        return weights(counts: counts)
    }

    /// Weights of the word labels of token head `head` over `classCount` classes.
    public static func tokenWeights(_ examples: [LabelledText], head: Int = 0, classCount: Int) -> [Float] {
        var counts = Array(repeating: 0, count: classCount)
        for example in examples where example.wordLabels.indices.contains(head) {
            for label in example.wordLabels[head] where counts.indices.contains(label) { counts[label] += 1 }
        }
        return weights(counts: counts)
    }
}
