import TAOTensor

/// One post-LayerNorm BERT encoder layer (Hugging Face's `encoder.layer.N.*`): multi-head self-attention with
/// an output projection, residual and LayerNorm, then a GELU feed-forward block with residual and LayerNorm.
///
/// The query, key and value weights are consecutive views of one storage, so all three projections run as one
/// GEMM, and attention reads each head in place from its result.
public final class BertLayer: Module {
    public let query: Linear, key: Linear, value: Linear
    public let attentionOutput: Linear, attentionLayerNorm: LayerNorm
    public let intermediate: Linear, output: Linear, outputLayerNorm: LayerNorm
    public let heads: Int
    public let dropout: Dropout
    /// Dropout probability of attention probabilities in training.
    public let attentionDropout: Float
    private var isTraining = true
    private var attentionSeeds: RandomGenerator
    /// Query, key and value weights packed as one for inference, while in evaluation mode.
    private let packedQKV = PackedAffineCache()

    /// Randomly initialized as Hugging Face does: weights normal(0, initializer_range), biases 0, LayerNorm 1 and 0.
    public init(config: BertConfig, rng: inout RandomGenerator) {
        let (hidden, inner, std) = (config.hiddenSize, config.intermediateSize, config.initializerRange)
        let weights = Tensor.packedParameters([[hidden, hidden], [hidden, hidden], [hidden, hidden]])
        let biases = Tensor.packedParameters([[hidden], [hidden], [hidden]])
        for weight in weights {
            for i in 0..<weight.count { weight.pointer[i] = std * rng.nextNormal() }
        }
        query = Linear(weight: weights[0], bias: biases[0])
        key = Linear(weight: weights[1], bias: biases[1])
        value = Linear(weight: weights[2], bias: biases[2])
        func dense(_ input: Int, _ output: Int) -> Linear {
            Linear(weight: .normal([output, input], std: std, requiresGrad: true, rng: &rng), bias: Tensor(zeros: [output], requiresGrad: true))
        }
        attentionOutput = dense(hidden, hidden)
        attentionLayerNorm = LayerNorm(features: hidden, eps: config.layerNormEps)
        intermediate = dense(hidden, inner)
        output = dense(inner, hidden)
        outputLayerNorm = LayerNorm(features: hidden, eps: config.layerNormEps)
        heads = config.numAttentionHeads
        dropout = Dropout(probability: config.hiddenDropoutProb, rng: RandomGenerator(seed: rng.next()))
        attentionDropout = config.attentionProbsDropoutProb
        attentionSeeds = RandomGenerator(seed: rng.next())
    }

    public var children: [(String, any Module)] {
        [("attention.self.query", query), ("attention.self.key", key), ("attention.self.value", value),
         ("attention.output.dense", attentionOutput), ("attention.output.LayerNorm", attentionLayerNorm),
         ("intermediate.dense", intermediate), ("output.dense", output), ("output.LayerNorm", outputLayerNorm),
         ("dropout", dropout)]
    }

    public func setLocalTraining(_ training: Bool) {
        isTraining = training
        if training { packedQKV.clear() }
    }

    /// x: `[batch, length, hidden]`; `lengths[b]` real pieces of row b (padding is never attended to).
    public func callAsFunction(_ x: Tensor, lengths: [Int]) -> Tensor {
        let qkv = affine(x, weights: [query.weight, key.weight, value.weight],
                         biases: [query.bias, key.bias, value.bias].compactMap { $0 }, packedCache: isTraining ? nil : packedQKV)
        let attentionDrop = isTraining && attentionDropout > 0 ? (attentionDropout, attentionSeeds.next()) : nil
        let context = packedSelfAttention(qkv, heads: heads, lengths: lengths, dropout: attentionDrop)
        let attended = attentionLayerNorm(x + dropout(attentionOutput(context)))
        return outputLayerNorm(attended + dropout(output(intermediate(attended).gelu())))
    }
}
