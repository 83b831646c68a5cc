import Testing
@testable import TAOTensor

/// Squeeze-excitation as Citrinet uses it: Xavier-initialized layers without biases, ReLU or Swish between them.
private func citrinetSqueezeExcitation(activation: @escaping (Tensor) -> Tensor, rng: inout RandomGenerator) -> SqueezeExcitation {
    SqueezeExcitation(squeeze: Linear(weight: .xavierUniform([2, 8], rng: &rng), bias: nil),
                      excite: Linear(weight: .xavierUniform([8, 2], rng: &rng), bias: nil), activation: activation)
}

@Test("squeeze-excitation (masked mean over valid frames, ReLU and Swish) has finite-difference-correct gradients")
func squeezeExcitationGradients() {
    let activations: [(String, (Tensor) -> Tensor)] = [("relu", { $0.relu() }), ("swish", { $0.silu() })]
    for (name, activation) in activations {
        var rng = RandomGenerator(seed: 31)
        let se = citrinetSqueezeExcitation(activation: activation, rng: &rng)
        let x = Tensor.uniform([2, 8, 6], low: -1, high: 1, rng: &rng)
        // the second utterance has 3 valid frames: its padding must not change the gate
        let mismatch = gradientMismatch([x, se.squeeze.weight, se.excite.weight]) { se($0[0], lengths: [6, 3]) }
        #expect(mismatch == nil, "\(name): \(mismatch.map(\.description) ?? "")")
    }
}

@Test("squeeze-excitation ignores padded frames: an utterance gets the same output alone and padded")
func squeezeExcitationIgnoresPadding() {
    var rng = RandomGenerator(seed: 32)
    let se = citrinetSqueezeExcitation(activation: { $0.relu() }, rng: &rng)
    let x = Tensor.uniform([1, 8, 4], low: -1, high: 1, rng: &rng)
    var padded = [Float](repeating: 5, count: 8 * 7)
    for c in 0..<8 { for t in 0..<4 { padded[c * 7 + t] = x.scalars[c * 4 + t] } }
    let alone = withNoGrad { se(x, lengths: [4]) }.scalars
    let withPadding = withNoGrad { se(Tensor(padded, shape: [1, 8, 7]), lengths: [4]) }.scalars
    var largest: Float = 0
    for c in 0..<8 { for t in 0..<4 { largest = max(largest, abs(alone[c * 4 + t] - withPadding[c * 7 + t])) } }
    #expect(largest < 1e-6)
}
