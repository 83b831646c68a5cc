import TAOTensor

/// NeMo's `SequenceClassifier`: dropout, then an MLP on the first (`[CLS]`) position's hidden state.
public final class SequenceClassifier: Module {
    public let dropout: Dropout
    public let mlp: MultiLayerPerceptron

    public init(hidden: Int, classes: Int, config: HeadConfig, rng: inout RandomGenerator) {
        dropout = Dropout(probability: config.dropout, rng: RandomGenerator(seed: rng.next()))
        mlp = MultiLayerPerceptron(hidden: hidden, classes: classes, layers: config.layers, activation: config.activation, rng: &rng)
    }

    public var children: [(String, any Module)] { [("dropout", dropout), ("mlp", mlp)] }

    /// hidden `[batch, length, hidden]` -> logits `[batch, classes]`.
    public func callAsFunction(_ hidden: Tensor) -> Tensor {
        mlp(dropout(hidden.sliced(axis: 1, 0..<1).squeezed(1)))
    }
}
