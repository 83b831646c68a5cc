import TAOTensor

/// Class probabilities of a task model's heads for one batch, as plain arrays.
public struct TextPrediction: Sendable, Equatable {
    /// Per row, the probability of each class of the sequence head (`[batch][classes]`); empty without one.
    public var sequenceProbabilities: [[Float]]
    /// Per token head, per row, per piece position, the probability of each class (`[head][batch][length][classes]`).
    public var tokenProbabilities: [[[[Float]]]]

    /// From softmax outputs `[batch, classes]` and `[batch, length, classes]` each.
    init(sequence: Tensor?, tokens: [Tensor]) {
        sequenceProbabilities = sequence.map { Self.rows($0.scalars, width: $0.shape[1]) } ?? []
        tokenProbabilities = tokens.map { head in
            let (length, classes) = (head.shape[1], head.shape[2])
            return Self.rows(head.scalars, width: length * classes).map { Self.rows($0, width: classes) }
        }
    }

    /// The most probable class of each row's sequence head.
    public var sequenceLabels: [Int] { sequenceProbabilities.map(Self.argmax) }

    /// The most probable class of each position of token head `head`, `[batch][length]`.
    public func tokenLabels(head: Int = 0) -> [[Int]] { tokenProbabilities[head].map { $0.map(Self.argmax) } }

    /// For each word of row `row` (its first piece at `wordStarts[i]`, as in `TextBatch.wordStarts`), the most
    /// probable class of token head `head` and its probability: labels sit on a word's first piece.
    public func wordLabels(head: Int = 0, row: Int, wordStarts: [Int]) -> [(label: Int, probability: Float)] {
        wordStarts.map { position in
            let probabilities = tokenProbabilities[head][row][position]
            let label = Self.argmax(probabilities)
            return (label, probabilities[label])
        }
    }

    private static func argmax(_ values: [Float]) -> Int {
        values.indices.max { values[$0] < values[$1] } ?? 0
    }

    private static func rows(_ values: [Float], width: Int) -> [[Float]] {
        stride(from: 0, to: values.count, by: Swift.max(width, 1)).map { Array(values[$0..<($0 + width)]) }
    }
}
