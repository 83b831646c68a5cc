import TAONLP
import TAOText

/// What the shared text-task code needs of a `model` block, whichever of the four tasks it belongs to.
struct TextModelSettings {
    var languageModel: LanguageModelSpec
    var tokenizer: TextTokenizerSpec
    var maxSequenceLength: Int
    /// The heads in model order: the sequence head (text class, intent) first, then the token heads.
    var heads: [HeadConfig]
    /// intent_slot_classification: weight of the intent loss (the slot loss gets 1 - w).
    var intentLossWeight: Float = 0.6
    /// `weighted_loss` weighs each class by its inverse frequency in the training data.
    var weightedLoss = false
    /// text_classification: the number of classes (`model.dataset.num_classes`).
    var classCount: Int?
    /// Label files named by the spec (inside data_dir unless absolute): text classes, or intents and slots.
    var labelFiles: [String] = []
    /// token_classification: a label-to-id map given in the spec (`model.label_ids`).
    var labelIDs: [String: Int]?

    /// The spec key of the sequence length, which differs between the tasks.
    static func sequenceLengthKey(_ task: TaskName) -> String {
        task == .intentSlotClassification ? "model.max_seq_length" : "model.dataset.max_seq_length"
    }

    /// The row encoder for `tokenizer`, checked against the encoder's positions (a longer row cannot be embedded).
    func textEncoder(_ task: TaskName, tokenizer: BertTokenizer, config: BertConfig) throws -> TextEncoder {
        guard maxSequenceLength <= config.maxPositionEmbeddings else {
            throw SpecError.invalid(path: Self.sequenceLengthKey(task),
                                    reason: "\(maxSequenceLength) is more than the encoder's \(config.maxPositionEmbeddings) positions")
        }
        return try TextEncoder(tokenizer: tokenizer, maxSequenceLength: maxSequenceLength)
    }

    /// Reads the `model` block of `task`'s train spec.
    static func of(_ spec: ResolvedSpec, task: TaskName) throws -> TextModelSettings {
        func head(_ layers: Int, _ dropout: Double, _ activation: String = "relu") throws -> HeadConfig {
            guard let function = HeadActivation(rawValue: activation) else {
                throw SpecError.invalid(path: "model.head.activation", reason: "'\(activation)' is not one of relu, gelu, tanh")
            }
            return HeadConfig(layers: layers, dropout: Float(dropout), activation: function)
        }
        switch task {
        case .textClassification:
            let model = try spec.decode(TextClassificationModelSpec.self, at: "model")
            var settings = TextModelSettings(languageModel: model.languageModel, tokenizer: model.tokenizer,
                                             maxSequenceLength: model.dataset.maxSeqLength,
                                             heads: [try head(model.classifierHead.numOutputLayers, model.classifierHead.fcDropout)])
            settings.weightedLoss = model.dataset.classBalancing == "weighted_loss"
            settings.classCount = model.dataset.numClasses
            settings.labelFiles = model.classLabels.classLabelsFile.map { [$0] } ?? []
            return settings
        case .tokenClassification:
            let model = try spec.decode(TokenClassificationModelSpec.self, at: "model")
            var settings = TextModelSettings(languageModel: model.languageModel, tokenizer: model.tokenizer,
                                             maxSequenceLength: model.dataset.maxSeqLength,
                                             heads: [try head(model.head.layers, model.head.fcDropout, model.head.activation)])
            settings.labelIDs = model.labelIds
            return settings
        case .intentSlotClassification:
            let model = try spec.decode(IntentSlotModelSpec.self, at: "model")
            let shared = try head(model.head.numOutputLayers, model.head.fcDropout)
            var settings = TextModelSettings(languageModel: model.languageModel, tokenizer: model.tokenizer,
                                             maxSequenceLength: model.maxSeqLength, heads: [shared, shared])
            settings.intentLossWeight = Float(model.intentLossWeight)
            settings.weightedLoss = model.classBalancing == "weighted_loss"
            settings.labelFiles = [model.classLabels.intentLabelsFile, model.classLabels.slotLabelsFile]
            return settings
        default:
            let model = try spec.decode(PunctuationCapitalizationModelSpec.self, at: "model")
            return TextModelSettings(languageModel: model.languageModel, tokenizer: model.tokenizer,
                                     maxSequenceLength: model.dataset.maxSeqLength,
                                     heads: [try head(model.punctHead.layers, model.punctHead.fcDropout, model.punctHead.activation),
                                             try head(model.capitHead.layers, model.capitHead.fcDropout, model.capitHead.activation)])
        }
    }
}
