/// The tasks of `tao <task> <subtask>`, named as in TAO.
public enum TaskName: String, CaseIterable, Sendable {
    case speechToText = "speech_to_text"
    case speechToTextCitrinet = "speech_to_text_citrinet"
    case nGram = "n_gram"
    case textClassification = "text_classification"
    case tokenClassification = "token_classification"
    case intentSlotClassification = "intent_slot_classification"
    case punctuationAndCapitalization = "punctuation_and_capitalization"

    /// One line for `tao --help`.
    public var abstract: String {
        switch self {
        case .speechToText: "Speech recognition with QuartzNet/Jasper character models (CTC)."
        case .speechToTextCitrinet: "Speech recognition with Citrinet subword models (CTC)."
        case .nGram: "n-gram language models (KenLM-compatible) for beam-search decoding."
        case .textClassification: "Sentence classification (sentiment, domain, ...) on a BERT encoder."
        case .tokenClassification: "Token classification (named entities) on a BERT encoder."
        case .intentSlotClassification: "Joint intent and slot filling on a BERT encoder."
        case .punctuationAndCapitalization: "Restores punctuation and capitalization of lowercase text."
        }
    }

    /// The subtasks this task has, in the order help lists them.
    public var subtasks: [Subtask] {
        switch self {
        case .speechToTextCitrinet: Subtask.allCases
        case .nGram: Subtask.allCases.filter { $0 != .createTokenizer && $0 != .finetune }
        default: Subtask.allCases.filter { $0 != .createTokenizer }
        }
    }
}

/// The subtasks of a task.
public enum Subtask: String, CaseIterable, Sendable {
    case downloadSpecs = "download_specs"
    case datasetConvert = "dataset_convert"
    case createTokenizer = "create_tokenizer"
    case train
    case finetune
    case evaluate
    case infer
    case export

    /// One line for `tao <task> --help`.
    public var abstract: String {
        switch self {
        case .downloadSpecs: "Write the task's default spec files, each key commented, to -o DIR."
        case .datasetConvert: "Convert a dataset as distributed into the task's training format."
        case .createTokenizer: "Build a subword tokenizer (SentencePiece or WordPiece) from transcripts."
        case .train: "Train a model from scratch (or from a pretrained encoder) on a dataset."
        case .finetune: "Continue training a model (-m) on new data, optionally with new labels."
        case .evaluate: "Measure a model (-m) on a test set; writes metrics.json."
        case .infer: "Run a model (-m) on files or sentences and print the results."
        case .export: "Write a model (-m) for deployment (inference-only .tao, optionally encrypted)."
        }
    }
}
