import TAOTensor

/// The BERT encoder (Hugging Face's `BertModel`): embeddings, post-LayerNorm layers and an optional pooler, with
/// Hugging Face's parameter names (`embeddings.word_embeddings.weight`, `encoder.layer.0.attention.self.query.weight`,
/// ..., `pooler.dense.weight`), so a checkpoint loads without a mapping table.
public final class BertModel: Module {
    public let config: BertConfig
    public let embeddings: BertEmbeddings
    public let layers: [BertLayer]
    public let pooler: BertPooler?

    /// A randomly initialized encoder of `config` (Hugging Face's initializer), with a pooler when `pooler` is true.
    public init(config: BertConfig, pooler: Bool = true, rng: inout RandomGenerator) {
        self.config = config
        embeddings = BertEmbeddings(config: config, rng: &rng)
        var layers: [BertLayer] = []
        for _ in 0..<config.numHiddenLayers { layers.append(BertLayer(config: config, rng: &rng)) }
        self.layers = layers
        self.pooler = pooler ? BertPooler(config: config, rng: &rng) : nil
    }

    public var children: [(String, any Module)] {
        [("embeddings", embeddings)] + layers.enumerated().map { ("encoder.layer.\($0.offset)", $0.element) }
            + (pooler.map { [("pooler", $0)] } ?? [])
    }

    /// The last hidden states of `batch`, `[batch, length, hidden]` (Hugging Face's `last_hidden_state`).
    /// Call inside `withNoGrad` for inference, so nothing is recorded for a backward pass.
    public func callAsFunction(_ batch: TextBatch) -> Tensor {
        precondition(batch.length <= config.maxPositionEmbeddings,
                     "BertModel: \(batch.length) pieces per row exceed max_position_embeddings \(config.maxPositionEmbeddings)")
        precondition(batch.tokenIDs.allSatisfy { $0 >= 0 && $0 < config.vocabSize }, "BertModel: a token id is outside the vocabulary of \(config.vocabSize)")
        precondition(batch.typeIDs.allSatisfy { $0 >= 0 && $0 < config.typeVocabSize }, "BertModel: a type id is outside 0..<\(config.typeVocabSize)")
        return layers.reduce(embeddings(batch)) { $1($0, lengths: batch.lengths) }
    }

    /// The pooled `[CLS]` output `[batch, hidden]` of `hidden` (Hugging Face's `pooler_output`); nil without a pooler.
    public func pooled(_ hidden: Tensor) -> Tensor? { pooler?(hidden) }
}
