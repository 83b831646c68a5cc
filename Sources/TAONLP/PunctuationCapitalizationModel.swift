import TAOTensor

/// punctuation_and_capitalization: BERT and two `TokenClassifier`s (NeMo's `PunctuationCapitalizationModel`;
/// parameters `bert_model.*`, `punct_classifier.mlp.*`, `capit_classifier.mlp.*`). Labels: punctuation in
/// `TextBatch.tokenLabels[0]`, capitalization in `tokenLabels[1]`. The loss is the sum of both (NeMo's
/// `AggregatorLoss` without weights).
public final class PunctuationCapitalizationModel: TextTaskModel {
    public let bertModel: BertModel
    public let punctuationClassifier: TokenClassifier, capitalizationClassifier: TokenClassifier
    public let punctuationWeights: Tensor?

    /// Heads for `punctuationClasses` and `capitalizationClasses` over `encoder`; NeMo's defaults are 1 layer
    /// (`punct_num_fc_layers`, `capit_num_fc_layers`), `fc_dropout` 0.1, relu.
    public init(encoder: BertModel, punctuationClasses: Int, capitalizationClasses: Int,
                punctuationHead: HeadConfig = HeadConfig(layers: 1, dropout: 0.1),
                capitalizationHead: HeadConfig = HeadConfig(layers: 1, dropout: 0.1),
                punctuationWeights: [Float]? = nil, rng: inout RandomGenerator) throws {
        try punctuationHead.validate(name: "punct_head")
        try capitalizationHead.validate(name: "capit_head")
        bertModel = encoder
        let hidden = encoder.config.hiddenSize
        punctuationClassifier = TokenClassifier(hidden: hidden, classes: punctuationClasses, config: punctuationHead, rng: &rng)
        capitalizationClassifier = TokenClassifier(hidden: hidden, classes: capitalizationClasses, config: capitalizationHead, rng: &rng)
        self.punctuationWeights = try weightTensor(punctuationWeights, classes: punctuationClasses, name: "punctuation class weights")
    }

    public var children: [(String, any Module)] {
        [("bert_model", bertModel), ("punct_classifier", punctuationClassifier), ("capit_classifier", capitalizationClassifier)]
    }

    public func logits(_ batch: TextBatch) -> TaskLogits {
        let hidden = bertModel(batch)
        return TaskLogits(sequence: nil, tokens: [punctuationClassifier(hidden), capitalizationClassifier(hidden)])
    }

    public func loss(_ logits: TaskLogits, _ batch: TextBatch) -> Tensor {
        precondition(batch.tokenLabels.count >= 2, "punctuation and capitalization need TextBatch.tokenLabels[0] and [1]")
        return tokenLoss(logits.tokens[0], labels: batch.tokenLabels[0], classWeights: punctuationWeights)
            + tokenLoss(logits.tokens[1], labels: batch.tokenLabels[1])
    }
}
