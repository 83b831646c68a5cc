import TAOTensor

/// intent_slot_classification: BERT and a joint `SequenceTokenClassifier` (NeMo's `IntentSlotClassificationModel`;
/// parameters `bert_model.*`, `classifier.intent_mlp.*`, `classifier.slot_mlp.*`). Labels: intents in
/// `TextBatch.sequenceLabels`, slots in `TextBatch.tokenLabels[0]`. The loss is NeMo's `AggregatorLoss`:
/// `intent_loss_weight * intent loss + (1 - intent_loss_weight) * slot loss`.
public final class IntentSlotClassificationModel: TextTaskModel {
    public let bertModel: BertModel
    public let classifier: SequenceTokenClassifier
    public let intentLossWeight: Float
    public let intentWeights: Tensor?, slotWeights: Tensor?

    /// A joint model of `intents` and `slots` over `encoder`; NeMo's defaults are `num_output_layers` 2,
    /// `fc_dropout` 0.1, `intent_loss_weight` 0.6.
    public init(encoder: BertModel, intents: Int, slots: Int, head: HeadConfig = HeadConfig(layers: 2, dropout: 0.1),
                intentLossWeight: Float = 0.6, intentWeights: [Float]? = nil, slotWeights: [Float]? = nil,
                rng: inout RandomGenerator) throws {
        try head.validate(name: "head")
        guard intentLossWeight >= 0 && intentLossWeight <= 1 else {
            throw BertError.badOption(name: "intent_loss_weight", value: "\(intentLossWeight)", reason: "a weight in [0, 1]")
        }
        bertModel = encoder
        classifier = SequenceTokenClassifier(hidden: encoder.config.hiddenSize, intents: intents, slots: slots, config: head, rng: &rng)
        self.intentLossWeight = intentLossWeight
        self.intentWeights = try weightTensor(intentWeights, classes: intents, name: "intent class weights")
        self.slotWeights = try weightTensor(slotWeights, classes: slots, name: "slot class weights")
    }

    public var children: [(String, any Module)] { [("bert_model", bertModel), ("classifier", classifier)] }

    public func logits(_ batch: TextBatch) -> TaskLogits {
        let (intents, slots) = classifier(bertModel(batch))
        return TaskLogits(sequence: intents, tokens: [slots])
    }

    public func loss(_ logits: TaskLogits, _ batch: TextBatch) -> Tensor {
        guard let intents = logits.sequence else { preconditionFailure("intent-slot logits lack the intent head") }
        precondition(batch.tokenLabels.count >= 1, "intent-slot classification needs slot labels in TextBatch.tokenLabels[0]")
        let intentLoss = sequenceLoss(intents, labels: batch.sequenceLabels, classWeights: intentWeights)
        let slotLoss = tokenLoss(logits.tokens[0], labels: batch.tokenLabels[0], classWeights: slotWeights)
        return intentLoss * intentLossWeight + slotLoss * (1 - intentLossWeight)
    }
}
