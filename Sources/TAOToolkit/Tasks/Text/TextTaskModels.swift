import TAONLP
import TAOTensor

/// Builds the task model (encoder + heads) of a text task.
enum TextTaskModels {
    /// A model for `task` over `encoder`, with heads sized by `labels`; `classWeights` per head (nil: unweighted).
    static func make(_ task: TaskName, encoder: BertModel, labels: TextLabels, settings: TextModelSettings,
                     classWeights: [[Float]?] = [], seed: UInt64) throws -> any TextTaskModel {
        var rng = RandomGenerator(seed: seed)
        func weights(_ index: Int) -> [Float]? { classWeights.indices.contains(index) ? classWeights[index] : nil }
        func count(_ vocabulary: LabelVocabulary?, _ what: String) throws -> Int {
            guard let vocabulary else { throw TaskError.badCheckpoint(path: "labels", reason: "no \(what) labels") }
            return vocabulary.count
        }
        let tokenCount = { (index: Int) throws -> Int in
            try count(labels.tokens.indices.contains(index) ? labels.tokens[index] : nil, "token head \(index)")
        }
        switch task {
        case .textClassification:
            return try TextClassificationModel(encoder: encoder, classes: try count(labels.sequence, "class"), head: settings.heads[0],
                                               classWeights: weights(0), rng: &rng)
        case .tokenClassification:
            return try TokenClassificationModel(encoder: encoder, classes: try tokenCount(0), head: settings.heads[0],
                                                classWeights: weights(0), rng: &rng)
        case .intentSlotClassification:
            return try IntentSlotClassificationModel(encoder: encoder, intents: try count(labels.sequence, "intent"), slots: try tokenCount(0),
                                                     head: settings.heads[0], intentLossWeight: settings.intentLossWeight,
                                                     intentWeights: weights(0), slotWeights: weights(1), rng: &rng)
        default:
            return try PunctuationCapitalizationModel(encoder: encoder, punctuationClasses: try tokenCount(0),
                                                      capitalizationClasses: try tokenCount(1), punctuationHead: settings.heads[0],
                                                      capitalizationHead: settings.heads[1], punctuationWeights: weights(0), rng: &rng)
        }
    }
}
