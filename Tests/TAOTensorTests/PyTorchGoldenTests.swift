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
