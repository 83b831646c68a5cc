/// `trainer`: the training loop.
public struct TrainerSpec: Codable, Equatable, Sendable {
    public var maxEpochs: Int
    public var maxSteps: Int
    public var gpus: Int
    public var numNodes: Int
    public var accelerator: String?
    public var precision: Int
    /// CPU threads; 0 means all cores.
    public var numThreads: Int
    public var seed: Int
    public var accumulateGradBatches: Int
    public var gradientClipVal: Double
    public var logEveryNSteps: Int
    public var valCheckInterval: Double
    public var checkValEveryNEpoch: Int
}

/// `exp_manager`: which checkpoint a training run ends with.
public struct ExperimentManagerSpec: Codable, Equatable, Sendable {
    public struct CheckpointCallbackParams: Codable, Equatable, Sendable {
        /// End with the model of the best validated epoch instead of the last.
        public var saveBestModel: Bool
    }
    public var checkpointCallbackParams: CheckpointCallbackParams
}

/// `optim`: the optimizer and its learning-rate schedule.
public struct OptimSpec: Codable, Equatable, Sendable {
    public var name: String
    public var lr: Double
    public var betas: [Double]?
    public var weightDecay: Double
    public var momentum: Double
    public var nesterov: Bool
    public var eps: Double
    public var sched: SchedulerSpec?
}

/// `optim.sched`: the learning-rate schedule.
public struct SchedulerSpec: Codable, Equatable, Sendable {
    public var name: String
    public var warmupSteps: Int?
    public var warmupRatio: Double?
    public var minLr: Double
    public var lastEpoch: Int
    public var power: Double
    public var dModel: Int?
}

/// `export`'s spec.
public struct ExportSpec: Codable, Equatable, Sendable {
    public var exportFormat: String
    public var exportTo: String
    /// Speech models: an n-gram LM to carry inside the export.
    public var lmPath: String?
    /// Speech models: beam-search settings tuned for the model (`decoding.alpha`, ...), carried for decoding.
    public var decoding: ExportDecodingSpec?
    /// Text models: `float32`, `float16` or `int8` weights.
    public var weightsDtype: String?
    /// Text models: keep the first this many WordPiece tokens (0: all).
    public var vocabularySize: Int?
    /// Text models, with `vocabularySize`: a data folder whose training text's pieces are kept too.
    public var dataDir: String?
}

/// `export`'s `decoding` block of the speech tasks: tuned beam-search settings to store in the model (null: keep
/// what it has).
public struct ExportDecodingSpec: Codable, Equatable, Sendable {
    public var alpha: Double?
    public var beta: Double?
    public var tokenMinLogp: Double?
}

/// `dataset_convert`'s spec for tasks with named dataset layouts.
public struct DatasetConvertSpec: Codable, Equatable, Sendable {
    public var datasetName: String
    public var sourceDataDir: String
    public var targetDataDir: String
    /// Rate in Hz of converted audio (speech tasks only).
    public var sampleRate: Int?
    /// The most words in one punctuation_and_capitalization example.
    public var maxWords: Int?
    /// punctuation_and_capitalization: a training example from every sentence start.
    public var sentenceWindows: Bool?
}

/// `infer`'s spec for text tasks and n-gram scoring: sentences given inline or in a file.
public struct TextQueriesSpec: Codable, Equatable, Sendable {
    public var inputBatch: [String]
    public var inputFile: String?
}

/// A value of a free-form block (such as a Hugging Face config): YAML's scalar types.
public enum ConfigValue: Codable, Equatable, Sendable {
    case int(Int), double(Double), bool(Bool), string(String), null

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else { self = .string(try container.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .int(value): try container.encode(value)
        case let .double(value): try container.encode(value)
        case let .bool(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}
