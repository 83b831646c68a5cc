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
    /// Token tasks: the 2nd and later pieces of a word are trained on the word's label (`ignore_extra_tokens` false).
    var labelExtraPieces = false
    /// Token tasks: `[CLS]` and `[SEP]` are trained on the pad label (`ignore_start_end` false).
    var labelStartEnd = false
    /// The pad label: a label name, or (intent_slot_classification) a slot id, -1 for `O`.
    var padLabel: PadLabel = .name("O")

    /// `pad_label` as the tasks spell it.
    enum PadLabel: Equatable {
        case name(String)
        case id(Int)
    }

    /// The spec key of the sequence length, which differs between the tasks.
    static func sequenceLengthKey(_ task: TaskName) -> String {
        task == .intentSlotClassification ? "model.max_seq_length" : "model.dataset.max_seq_length"
    }

    /// The row encoder for `tokenizer`, checked against the encoder's positions (a longer row cannot be embedded).
    func textEncoder(_ task: TaskName, tokenizer: BertTokenizer, config: BertConfig,
                     labelling: PieceLabelling = .firstPieces) throws -> TextEncoder {
        guard maxSequenceLength <= config.maxPositionEmbeddings else {
            throw SpecError.invalid(path: Self.sequenceLengthKey(task),
                                    reason: "\(maxSequenceLength) is more than the encoder's \(config.maxPositionEmbeddings) positions")
        }
        return try TextEncoder(tokenizer: tokenizer, maxSequenceLength: maxSequenceLength, labelling: labelling)
    }

    /// The pieces training rows label, as `ignore_extra_tokens`, `ignore_start_end` and `pad_label` say, the pad label
    /// looked up in each token head's labels.
    func pieceLabelling(for labels: TextLabels) throws -> PieceLabelling {
        PieceLabelling(extraPieces: labelExtraPieces, startEnd: labelStartEnd ? try labels.tokens.map(padID) : nil)
    }

    /// The id of the pad label in one token head's labels.
    private func padID(in labels: LabelVocabulary) throws -> Int {
        switch padLabel {
        case .name(let name):
            guard let id = labels.id(of: name) else {
                let some = labels.labels.prefix(8).joined(separator: ", ") + (labels.count > 8 ? ", ..." : "")
                throw SpecError.invalid(path: "model.dataset.pad_label",
                                        reason: "'\(name)' is not one of the labels (\(some)); give one of them, or ignore_start_end=true")
            }
            return id
        case .id(let id):
            let choices = "give a slot id 0...\(labels.count - 1), or ignore_start_end=true"
            if id == -1 {
                guard let outside = labels.id(of: "O") else {
                    throw SpecError.invalid(path: "model.pad_label", reason: "-1 stands for the O label, which these slots do not have; \(choices)")
                }
                return outside
            }
            guard labels.labels.indices.contains(id) else {
                throw SpecError.invalid(path: "model.pad_label", reason: "\(id) is not a slot id (-1 is O); \(choices)")
            }
            return id
        }
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
            if let ids = model.labelIds { try checkLabelIDs(ids, path: "model.label_ids") }
            settings.labelIDs = model.labelIds
            settings.setPieceLabelling(model.dataset)
            return settings
        case .intentSlotClassification:
            let model = try spec.decode(IntentSlotModelSpec.self, at: "model")
            let shared = try head(model.head.numOutputLayers, model.head.fcDropout)
            var settings = TextModelSettings(languageModel: model.languageModel, tokenizer: model.tokenizer,
                                             maxSequenceLength: model.maxSeqLength, heads: [shared, shared])
            settings.intentLossWeight = Float(model.intentLossWeight)
            settings.weightedLoss = model.classBalancing == "weighted_loss"
            settings.labelFiles = [model.classLabels.intentLabelsFile, model.classLabels.slotLabelsFile]
            settings.labelExtraPieces = !model.ignoreExtraTokens
            settings.labelStartEnd = !model.ignoreStartEnd
            settings.padLabel = .id(model.padLabel)
            return settings
        default:
            let model = try spec.decode(PunctuationCapitalizationModelSpec.self, at: "model")
            var settings = TextModelSettings(languageModel: model.languageModel, tokenizer: model.tokenizer,
                                             maxSequenceLength: model.dataset.maxSeqLength,
                                             heads: [try head(model.punctHead.layers, model.punctHead.fcDropout, model.punctHead.activation),
                                                     try head(model.capitHead.layers, model.capitHead.fcDropout, model.capitHead.activation)])
            try checkFixedLabels(model.punctLabelIds, PunctuationCapitalizationData.punctuationLabels, path: "model.punct_label_ids")
            try checkFixedLabels(model.capitLabelIds, PunctuationCapitalizationData.capitalizationLabels, path: "model.capit_label_ids")
            settings.setPieceLabelling(model.dataset)
            return settings
        }
    }

    /// Label ids given in a spec must number the labels 0, 1, 2, ... with each id once.
    private static func checkLabelIDs(_ ids: [String: Int], path: String) throws {
        guard ids.values.sorted() == Array(0..<ids.count) else {
            let given = ids.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            throw SpecError.invalid(path: path, reason: "ids must be 0...\(ids.count - 1), each once; got {\(given)}")
        }
    }

    /// tao's punctuation and capitalization heads have fixed labels; a spec may repeat them (as NeMo's do) but not change them.
    private static func checkFixedLabels(_ ids: [String: Int]?, _ labels: LabelVocabulary, path: String) throws {
        guard let ids else { return }
        let expected = Dictionary(uniqueKeysWithValues: labels.labels.enumerated().map { ($1, $0) })
        guard ids == expected else {
            let fixed = labels.labels.enumerated().map { "'\($1)': \($0)" }.joined(separator: ", ")
            throw SpecError.invalid(path: path, reason: "tao's labels are fixed ({\(fixed)}); leave it null or give exactly these")
        }
    }

    /// `ignore_extra_tokens`, `ignore_start_end` and `pad_label` of a token task's `model.dataset`.
    private mutating func setPieceLabelling(_ dataset: TokenDatasetSpec) {
        labelExtraPieces = !dataset.ignoreExtraTokens
        labelStartEnd = !dataset.ignoreStartEnd
        padLabel = .name(dataset.padLabel)
    }
}
