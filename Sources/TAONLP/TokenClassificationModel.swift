import TAOTensor

/// token_classification (e.g. named entities): BERT and a `TokenClassifier` (NeMo's `TokenClassificationModel`;
/// parameters `bert_model.*`, `classifier.mlp.layer0.*`). Labels: `TextBatch.tokenLabels[0]`, on each word's first piece.
public final class TokenClassificationModel: TextTaskModel {
    public let bertModel: BertModel
    public let classifier: TokenClassifier
    public let classWeights: Tensor?

    /// A tagger of `classes` labels over `encoder`; NeMo's defaults are `num_fc_layers` 1, `fc_dropout` 0.5, relu.
    public init(encoder: BertModel, classes: Int, head: HeadConfig = HeadConfig(layers: 1, dropout: 0.5),
                classWeights: [Float]? = nil, rng: inout RandomGenerator) throws {
        try head.validate(name: "head")
        bertModel = encoder
        classifier = TokenClassifier(hidden: encoder.config.hiddenSize, classes: classes, config: head, rng: &rng)
        self.classWeights = try weightTensor(classWeights, classes: classes, name: "class_weights")
    }

    public var children: [(String, any Module)] { [("bert_model", bertModel), ("classifier", classifier)] }

    public func logits(_ batch: TextBatch) -> TaskLogits { TaskLogits(sequence: nil, tokens: [classifier(bertModel(batch))]) }

    public func loss(_ logits: TaskLogits, _ batch: TextBatch) -> Tensor {
        precondition(batch.tokenLabels.count >= 1, "token classification needs TextBatch.tokenLabels[0]")
        return tokenLoss(logits.tokens[0], labels: batch.tokenLabels[0], classWeights: classWeights)
    }
}
