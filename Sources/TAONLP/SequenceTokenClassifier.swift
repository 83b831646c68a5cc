import TAOTensor

/// NeMo's `SequenceTokenClassifier` (the joint intent and slot head): dropout, then one MLP on the `[CLS]`
/// position for the intent and one on every position for the slots (`intent_mlp.*`, `slot_mlp.*`).
public final class SequenceTokenClassifier: Module {
    public let dropout: Dropout
    public let intentMLP: MultiLayerPerceptron, slotMLP: MultiLayerPerceptron

    public init(hidden: Int, intents: Int, slots: Int, config: HeadConfig, rng: inout RandomGenerator) {
        dropout = Dropout(probability: config.dropout, rng: RandomGenerator(seed: rng.next()))
        slotMLP = MultiLayerPerceptron(hidden: hidden, classes: slots, layers: config.layers, activation: config.activation, rng: &rng)
        intentMLP = MultiLayerPerceptron(hidden: hidden, classes: intents, layers: config.layers, activation: config.activation, rng: &rng)
    }

    public var children: [(String, any Module)] { [("dropout", dropout), ("intent_mlp", intentMLP), ("slot_mlp", slotMLP)] }

    /// hidden `[batch, length, hidden]` -> intent logits `[batch, intents]` and slot logits `[batch, length, slots]`.
    public func callAsFunction(_ hidden: Tensor) -> (intents: Tensor, slots: Tensor) {
        let dropped = dropout(hidden)
        return (intentMLP(dropped.sliced(axis: 1, 0..<1).squeezed(1)), slotMLP(dropped))
    }
}
