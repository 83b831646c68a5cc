/// `model` of n_gram train: lmplz's options.
public struct NGramModelSpec: Codable, Equatable, Sendable {
    public var order: Int
    public var pruning: [Int]
    public var discountFallback: Bool
    /// Counting memory with a K/M/G suffix.
    public var memory: String
    /// A subword tokenizer that encodes the text (a token-level LM), or nil.
    public var tokenizer: SubwordTokenizerSpec?
    /// A speech_to_text_citrinet `.tao` whose tokenizer encodes the text, or nil.
    public var speechModel: String?
}

/// `training_ds` of n_gram train.
public struct NGramTrainingDataSpec: Codable, Equatable, Sendable {
    public var dataFile: String
    public var isFile: Bool
}

/// n_gram `train`.
public struct NGramTrainSpec: Codable, Equatable, Sendable {
    public var model: NGramModelSpec
    public var trainingDs: NGramTrainingDataSpec
    public var saveTo: String
}

/// n_gram `evaluate`: perplexity on held-out text.
public struct NGramEvaluateSpec: Codable, Equatable, Sendable {
    public struct TestData: Codable, Equatable, Sendable { public var dataFile: String }
    public var testDs: TestData
}

/// n_gram `dataset_convert`: a folder of text files to one normalized corpus.
public struct NGramDatasetConvertSpec: Codable, Equatable, Sendable {
    public var sourceDataDir: String
    public var targetDataDir: String
    public var `extension`: String
}
