/// Multi-head self-attention with separate query/key/value projections and an output projection (the layout
/// of BERT's `attention.self.{query,key,value}` + `attention.output.dense`).
public final class MultiHeadAttention: Module {
    public let query: Linear, key: Linear, value: Linear, output: Linear
    public let heads: Int

    /// Attention over `hidden` features split into `heads` heads.
    public init(hidden: Int, heads: Int, rng: inout RandomGenerator) {
        precondition(hidden % heads == 0, "hidden size \(hidden) does not split into \(heads) heads")
        query = Linear(inFeatures: hidden, outFeatures: hidden, rng: &rng)
        key = Linear(inFeatures: hidden, outFeatures: hidden, rng: &rng)
        value = Linear(inFeatures: hidden, outFeatures: hidden, rng: &rng)
        output = Linear(inFeatures: hidden, outFeatures: hidden, rng: &rng)
        self.heads = heads
    }

    public var children: [(String, any Module)] { [("query", query), ("key", key), ("value", value), ("output", output)] }

    /// x: `[batch, tokens, hidden]`; `lengths[b]` real tokens per sequence (the rest is padding nobody attends to).
    public func callAsFunction(_ x: Tensor, lengths: [Int]? = nil) -> Tensor {
        let (batch, tokens, hidden) = (x.shape[0], x.shape[1], x.shape[2])
        func split(_ t: Tensor) -> Tensor { t.reshaped([batch, tokens, heads, hidden / heads]).permuted([0, 2, 1, 3]) }
        let context = scaledDotProductAttention(query: split(query(x)), key: split(key(x)), value: split(value(x)), keyLengths: lengths)
        return output(context.permuted([0, 2, 1, 3]).reshaped([batch, tokens, hidden]))
    }
}
