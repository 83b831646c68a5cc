import TAOTensor

/// text_classification: BERT and a `SequenceClassifier` on `[CLS]` (NeMo's `TextClassificationModel`; parameters
/// `bert_model.*`, `classifier.mlp.layer0.*`, ...). Labels: `TextBatch.sequenceLabels`.
public final class TextClassificationModel: TextTaskModel {
    public let bertModel: BertModel
    public let classifier: SequenceClassifier
    /// Per-class loss weights (`class_balancing: weighted_loss`), nil for none.
    public let classWeights: Tensor?

    /// A classifier of `classes` over `encoder` (pretrained or random); `head` gives `num_output_layers` and
    /// `fc_dropout`; `classWeights` one weight per class.
    public init(encoder: BertModel, classes: Int, head: HeadConfig = HeadConfig(layers: 2, dropout: 0.1),
                classWeights: [Float]? = nil, rng: inout RandomGenerator) throws {
        try head.validate(name: "classifier_head")
        bertModel = encoder
        classifier = SequenceClassifier(hidden: encoder.config.hiddenSize, classes: classes, config: head, rng: &rng)
        self.classWeights = try weightTensor(classWeights, classes: classes, name: "class_weights")
    }

    public var children: [(String, any Module)] { [("bert_model", bertModel), ("classifier", classifier)] }

    public func logits(_ batch: TextBatch) -> TaskLogits { TaskLogits(sequence: classifier(bertModel(batch)), tokens: []) }

    public func loss(_ logits: TaskLogits, _ batch: TextBatch) -> Tensor {
        guard let sequence = logits.sequence else { preconditionFailure("text classification logits lack the sequence head") }
        return sequenceLoss(sequence, labels: batch.sequenceLabels, classWeights: classWeights)
    }
}
