/// `model.language_model`: the BERT encoder.
public struct LanguageModelSpec: Codable, Equatable, Sendable {
    /// A folder with config.json, model.safetensors and vocab.txt.
    public var pretrainedModelName: String
    public var lmCheckpoint: String?
    public var configFile: String?
    public var config: [String: ConfigValue]?
    /// Keep the first N encoder layers.
    public var numLayers: Int?
    /// Cut the vocabulary to the training data's pieces.
    public var trimVocabulary: Bool
}

/// `model.tokenizer`: the WordPiece tokenizer.
public struct TextTokenizerSpec: Codable, Equatable, Sendable {
    public var tokenizerName: String
    public var vocabFile: String?
    public var tokenizerModel: String?
    public var specialTokens: [String: String]?
}

/// Data files named by a prefix in data_dir (text_classification, intent_slot_classification).
public struct PrefixDatasetSpec: Codable, Equatable, Sendable {
    public var prefix: String
    public var batchSize: Int
    public var shuffle: Bool
    public var numSamples: Int
    public var numWorkers: Int
    public var dropLast: Bool
}

/// A text file and a labels file in data_dir (token tasks).
public struct TextFileDatasetSpec: Codable, Equatable, Sendable {
    public var textFile: String
    public var labelsFile: String
    public var batchSize: Int
    public var shuffle: Bool
    public var numSamples: Int
    public var numWorkers: Int
}

/// `model.dataset` of the token tasks.
public struct TokenDatasetSpec: Codable, Equatable, Sendable {
    public var maxSeqLength: Int
    public var padLabel: String
    public var ignoreExtraTokens: Bool
    public var ignoreStartEnd: Bool
    public var useCache: Bool
}

/// A token head; its layer count is under one of three key names, as in NeMo.
public struct TokenHeadSpec: Codable, Equatable, Sendable {
    public var numFcLayers: Int?
    public var punctNumFcLayers: Int?
    public var capitNumFcLayers: Int?
    public var fcDropout: Double
    public var activation: String
    public var useTransformerInit: Bool

    /// Fully connected layers, whichever key named them.
    public var layers: Int { numFcLayers ?? punctNumFcLayers ?? capitNumFcLayers ?? 1 }
}

/// A sequence head (text and intent classification).
public struct SequenceHeadSpec: Codable, Equatable, Sendable {
    public var numOutputLayers: Int
    public var fcDropout: Double
}

/// `model` of text_classification.
public struct TextClassificationModelSpec: Codable, Equatable, Sendable {
    public struct ClassLabels: Codable, Equatable, Sendable { public var classLabelsFile: String? }
    public struct Dataset: Codable, Equatable, Sendable {
        public var numClasses: Int
        public var doLowerCase: Bool
        public var maxSeqLength: Int
        public var classBalancing: String?
        public var useCache: Bool
    }
    public var classLabels: ClassLabels
    public var dataset: Dataset
    public var languageModel: LanguageModelSpec
    public var tokenizer: TextTokenizerSpec
    public var classifierHead: SequenceHeadSpec
}

/// `model` of token_classification.
public struct TokenClassificationModelSpec: Codable, Equatable, Sendable {
    public var labelIds: [String: Int]?
    public var dataset: TokenDatasetSpec
    public var languageModel: LanguageModelSpec
    public var tokenizer: TextTokenizerSpec
    public var head: TokenHeadSpec
}

/// `model` of intent_slot_classification.
public struct IntentSlotModelSpec: Codable, Equatable, Sendable {
    public struct ClassLabels: Codable, Equatable, Sendable {
        public var intentLabelsFile: String
        public var slotLabelsFile: String
    }
    public var classLabels: ClassLabels
    public var intentLossWeight: Double
    public var padLabel: Int
    public var ignoreExtraTokens: Bool
    public var ignoreStartEnd: Bool
    public var classBalancing: String?
    public var maxSeqLength: Int
    public var head: SequenceHeadSpec
    public var languageModel: LanguageModelSpec
    public var tokenizer: TextTokenizerSpec
}

/// `model` of punctuation_and_capitalization.
public struct PunctuationCapitalizationModelSpec: Codable, Equatable, Sendable {
    public var punctLabelIds: [String: Int]?
    public var capitLabelIds: [String: Int]?
    public var dataset: TokenDatasetSpec
    public var punctHead: TokenHeadSpec
    public var capitHead: TokenHeadSpec
    public var languageModel: LanguageModelSpec
    public var tokenizer: TextTokenizerSpec
}

/// `train` of the text tasks.
public struct TextTrainSpec<Model: Codable & Equatable & Sendable, Data: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
    public var trainer: TrainerSpec
    public var saveTo: String
    public var dataDir: String
    public var model: Model
    public var trainingDs: Data
    public var validationDs: Data?
    public var optim: OptimSpec
}

/// `finetune` of the text tasks.
public struct TextFinetuneSpec<Data: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
    public var trainer: TrainerSpec
    public var saveTo: String
    public var dataDir: String
    public var trainingDs: Data
    public var validationDs: Data?
    public var optim: OptimSpec
}

/// `evaluate` of the text tasks.
public struct TextEvaluateSpec<Data: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
    public var dataDir: String
    public var testDs: Data
}
