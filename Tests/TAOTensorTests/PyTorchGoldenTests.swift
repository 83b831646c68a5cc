import Testing
@testable import TAOTensor

@Test("a masked Jasper sub-block (depthwise, pointwise, BatchNorm, ReLU, decoder, log-softmax) matches PyTorch forward and backward to 1e-4")
func jasperSubblockMatchesPyTorch() throws {
    let golden = try Golden("jasper_subblock.safetensors")
    let lengths = [12, 9]
    let x = try golden("x")
    x.requiresGrad = true
    let dw = try golden("dw.weight"), pw = try golden("pw.weight"), decW = try golden("dec.weight"), decB = try golden("dec.bias")
    let bn = BatchNorm1d(channels: 6, momentum: 0.1, eps: 1e-3)
    copyStrided(from: try golden("bn.weight"), into: bn.weight)
    copyStrided(from: try golden("bn.bias"), into: bn.bias)
    for parameter in [dw, pw, decW, decB] { parameter.requiresGrad = true }
    var h = conv1d(x.maskedTime(lengths: lengths), dw, padding: 2, groups: 4).maskedTime(lengths: lengths)
    h = bn(conv1d(h, pw)).relu().maskedTime(lengths: lengths)
    let out = conv1d(h, decW, bias: decB).logSoftmax(axis: 1)
    (out * (try golden("probe"))).sum().backward()
    #expect(maxAbsDifference(out.scalars, try golden("out").scalars) < 1e-4)
    let pairs: [(Tensor?, String)] = [(x.grad, "x.grad"), (dw.grad, "dw.weight.grad"), (pw.grad, "pw.weight.grad"),
                                      (bn.weight.grad, "bn.weight.grad"), (bn.bias.grad, "bn.bias.grad"),
                                      (decW.grad, "dec.weight.grad"), (decB.grad, "dec.bias.grad")]
    for (gradient, name) in pairs {
        let reference = try golden(name)
        let ours = try #require(gradient, "no gradient for \(name)")
        #expect(maxAbsDifference(ours.scalars, reference.scalars) < 1e-4, "\(name)")
    }
    #expect(maxAbsDifference(bn.runningMean.scalars, try golden("bn.running_mean").scalars) < 1e-5)
    #expect(maxAbsDifference(bn.runningVar.scalars, try golden("bn.running_var").scalars) < 1e-5)
}

/// The modules of the golden transformer layer, under the names scripts/tensor_goldens.py used.
private final class GoldenTransformer: Module {
    let emb: Embedding, ln0 = LayerNorm(features: 8, eps: 1e-12), ln1 = LayerNorm(features: 8, eps: 1e-12)
    let ln2 = LayerNorm(features: 8, eps: 1e-12)
    let attention: MultiHeadAttention, ff1: Linear, ff2: Linear, cls: Linear
    init() {
        var rng = RandomGenerator(seed: 0)
        emb = Embedding(count: 11, dimension: 8, rng: &rng)
        attention = MultiHeadAttention(hidden: 8, heads: 2, rng: &rng)
        ff1 = Linear(inFeatures: 8, outFeatures: 16, rng: &rng)
        ff2 = Linear(inFeatures: 16, outFeatures: 8, rng: &rng)
        cls = Linear(inFeatures: 8, outFeatures: 4, rng: &rng)
    }
    var children: [(String, any Module)] {
        [("emb", emb), ("ln0", ln0), ("query", attention.query), ("key", attention.key), ("value", attention.value),
         ("output", attention.output), ("ln1", ln1), ("ff1", ff1), ("ff2", ff2), ("ln2", ln2), ("cls", cls)]
    }
}

@Test("a post-LayerNorm transformer layer with a padding mask, GELU and weighted cross-entropy matches PyTorch (loss, logits, every gradient) to 1e-4")
func transformerLayerMatchesPyTorch() throws {
    let url = try fixtureURL("transformer_layer.safetensors")
    let golden = try Golden("transformer_layer.safetensors")
    let model = GoldenTransformer()
    try model.loadSafetensors(from: url, strict: false)
    var x = model.ln0(model.emb(IndexTensor([1, 4, 7, 2, 9, 3, 3, 10, 0, 0], shape: [2, 5])))
    x = model.ln1(x + model.attention(x, lengths: [5, 3]))
    x = model.ln2(x + model.ff2(model.ff1(x).gelu()))
    let logits = model.cls(x).reshaped([10, 4])
    let loss = crossEntropy(logits, targets: IndexTensor([0, 3, 1, -100, 2, 2, 1, 0, -100, -100]),
                            classWeights: Tensor([1, 0.5, 2, 1.5], shape: [4]))
    loss.backward()
    #expect(abs(loss.item - (try golden("loss")).item) < 1e-5)
    #expect(maxAbsDifference(logits.scalars, try golden("logits").scalars) < 1e-4)
    for (name, parameter) in model.namedParameters() {
        let ours = try #require(parameter.grad, "no gradient for \(name)")
        #expect(maxAbsDifference(ours.scalars, try golden(name + ".grad").scalars) < 1e-4, "\(name)")
    }
}

@Test("squeeze-excitation with masked pooling matches PyTorch forward and backward to 1e-5")
func squeezeExcitationMatchesPyTorch() throws {
    let golden = try Golden("squeeze_excitation.safetensors")
    var rng = RandomGenerator(seed: 0)
    let se = SqueezeExcitation(channels: 8, reduction: 4, rng: &rng)
    copyStrided(from: try golden("fc.0.weight"), into: se.squeeze.weight)
    copyStrided(from: try golden("fc.2.weight"), into: se.excite.weight)
    let x = try golden("x")
    x.requiresGrad = true
    let out = se(x, lengths: [6, 4])
    (out * (try golden("probe"))).sum().backward()
    #expect(maxAbsDifference(out.scalars, try golden("out").scalars) < 1e-5)
    #expect(maxAbsDifference(try #require(x.grad).scalars, try golden("x.grad").scalars) < 1e-5)
    #expect(maxAbsDifference(try #require(se.squeeze.weight.grad).scalars, try golden("fc.0.weight.grad").scalars) < 1e-5)
    #expect(maxAbsDifference(try #require(se.excite.weight.grad).scalars, try golden("fc.2.weight.grad").scalars) < 1e-5)
}
