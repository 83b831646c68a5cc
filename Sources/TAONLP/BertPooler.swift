import TAOTensor

/// BERT's pooler (Hugging Face's `pooler.dense`): tanh of a dense layer over the first (`[CLS]`) position.
public final class BertPooler: Module {
    public let dense: Linear

    /// Weights normal(0, initializer_range), bias 0.
    public init(config: BertConfig, rng: inout RandomGenerator) {
        dense = Linear(weight: .normal([config.hiddenSize, config.hiddenSize], std: config.initializerRange,
                                       requiresGrad: true, rng: &rng),
                       bias: Tensor(zeros: [config.hiddenSize], requiresGrad: true))
    }

    public var children: [(String, any Module)] { [("dense", dense)] }

    /// hidden `[batch, length, hidden]` -> `[batch, hidden]`.
    public func callAsFunction(_ hidden: Tensor) -> Tensor {
        dense(hidden.sliced(axis: 1, 0..<1).squeezed(1)).tanh()
    }
}
