/// One sentence with its labels as ids: what every dataset reader yields and `TextEncoder` consumes.
public struct LabelledText: Sendable, Equatable {
    /// The words (whitespace-separated, as in the data files).
    public var words: [String]
    /// The sentence's label id (text class or intent); nil for token tasks and unlabelled queries.
    public var sequenceLabel: Int?
    /// Per-word label ids, one array per token head, each `words.count` long: slots, entity tags, or punctuation
    /// then capitalization. Empty for sentence tasks and unlabelled queries.
    public var wordLabels: [[Int]]

    public init(words: [String], sequenceLabel: Int? = nil, wordLabels: [[Int]] = []) {
        precondition(wordLabels.allSatisfy { $0.count == words.count },
                     "LabelledText: label counts \(wordLabels.map(\.count)) for \(words.count) words")
        self.words = words
        self.sequenceLabel = sequenceLabel
        self.wordLabels = wordLabels
    }
}
