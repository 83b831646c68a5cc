import TAOTensor

/// BERT's input embeddings: word + learned absolute position + token type, then LayerNorm and dropout
/// (Hugging Face's `embeddings.*`).
public final class BertEmbeddings: Module {
    public let wordEmbeddings: Embedding, positionEmbeddings: Embedding, tokenTypeEmbeddings: Embedding
    public let layerNorm: LayerNorm
    public let dropout: Dropout

    /// Randomly initialized as Hugging Face does: normal(0, initializer_range), the `[PAD]` row (id 0) zero.
    public init(config: BertConfig, rng: inout RandomGenerator) {
        let std = config.initializerRange
        let words = Tensor.normal([config.vocabSize, config.hiddenSize], std: std, requiresGrad: true, rng: &rng)
        words.pointer.update(repeating: 0, count: config.hiddenSize)
        wordEmbeddings = Embedding(weight: words)
        positionEmbeddings = Embedding(weight: .normal([config.maxPositionEmbeddings, config.hiddenSize], std: std,
                                                       requiresGrad: true, rng: &rng))
        tokenTypeEmbeddings = Embedding(weight: .normal([config.typeVocabSize, config.hiddenSize], std: std,
                                                        requiresGrad: true, rng: &rng))
        layerNorm = LayerNorm(features: config.hiddenSize, eps: config.layerNormEps)
        dropout = Dropout(probability: config.hiddenDropoutProb, rng: RandomGenerator(seed: rng.next()))
    }

    public var children: [(String, any Module)] {
        [("word_embeddings", wordEmbeddings), ("position_embeddings", positionEmbeddings),
         ("token_type_embeddings", tokenTypeEmbeddings), ("LayerNorm", layerNorm), ("dropout", dropout)]
    }

    /// The embedded batch, `[batch, length, hidden]`. Ids must lie inside the tables (checked by the caller).
    public func callAsFunction(_ batch: TextBatch) -> Tensor {
        let shape = [batch.batchSize, batch.length]
        let positions = (0..<(batch.batchSize * batch.length)).map { $0 % batch.length }
        let sum = wordEmbeddings(IndexTensor(batch.tokenIDs, shape: shape)) + positionEmbeddings(IndexTensor(positions, shape: shape))
            + tokenTypeEmbeddings(IndexTensor(batch.typeIDs, shape: shape))
        return dropout(layerNorm(sum))
    }
}
