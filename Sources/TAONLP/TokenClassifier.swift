import TAOTensor

/// NeMo's `TokenClassifier`: dropout, then an MLP on every position's hidden state.
public final class TokenClassifier: Module {
    public let dropout: Dropout
    public let mlp: MultiLayerPerceptron

    public init(hidden: Int, classes: Int, config: HeadConfig, rng: inout RandomGenerator) {
        dropout = Dropout(probability: config.dropout, rng: RandomGenerator(seed: rng.next()))
        mlp = MultiLayerPerceptron(hidden: hidden, classes: classes, layers: config.layers, activation: config.activation, rng: &rng)
    }

    public var children: [(String, any Module)] { [("dropout", dropout), ("mlp", mlp)] }

    /// hidden `[batch, length, hidden]` -> logits `[batch, length, classes]`.
    public func callAsFunction(_ hidden: Tensor) -> Tensor { mlp(dropout(hidden)) }
}
