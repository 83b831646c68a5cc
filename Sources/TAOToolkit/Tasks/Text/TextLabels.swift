import TAONLP

/// The label sets of a text model, in head order: what its outputs mean. Stored in the model archive.
struct TextLabels: Codable, Equatable {
    /// Text classes or intents; nil for token tasks.
    var sequence: LabelVocabulary?
    /// One vocabulary per token head: entity tags, slots, or punctuation then capitalization.
    var tokens: [LabelVocabulary]
}

/// A dataset split as label ids, with the label sets the ids index.
struct TextDataset {
    var texts: [LabelledText]
    var labels: TextLabels
}
