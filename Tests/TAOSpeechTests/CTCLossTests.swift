import Foundation
import Testing
@testable import TAOSpeech

/// The PyTorch CTC golden, re-laid out as `[batch, time, vocab]`.
private struct Golden {
    let batch: Int, time: Int, vocab: Int, blank: Int
    let inputLengths: [Int]
    let targets: [[Int]]
    let logProbs: [Float]
    let json: [String: Any]

    init() throws {
        let url = try #require(Bundle.module.url(forResource: "ctc_small", withExtension: "json", subdirectory: "Fixtures"))
        json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        batch = json["B"] as? Int ?? 0
        time = json["T"] as? Int ?? 0
        vocab = json["V"] as? Int ?? 0
        blank = json["blank"] as? Int ?? 0
        inputLengths = json["input_lengths"] as? [Int] ?? []
        targets = json["targets"] as? [[Int]] ?? []
        logProbs = Golden.batchMajor(json["log_probs"]).map(Float.init)
    }

    /// A `[T][B][V]` array as `[B][T][V]` flat values.
    static func batchMajor(_ value: Any?) -> [Double] {
        guard let frames = value as? [[[Double]]], let first = frames.first else { return [] }
        var out: [Double] = []
        for b in 0..<first.count { for t in 0..<frames.count { out += frames[t][b] } }
        return out
    }

    /// d(loss)/d(logits) from d(loss)/d(log-probs), through the log-softmax: g - exp(lp) * sum(g).
    func throughLogSoftmax(_ gradient: [Float]) -> [Double] {
        var out = [Double](repeating: 0, count: gradient.count)
        for row in 0..<(batch * time) {
            let range = (row * vocab)..<((row + 1) * vocab)
            let total = range.reduce(0.0) { $0 + Double(gradient[$1]) }
            for i in range { out[i] = Double(gradient[i]) - exp(Double(logProbs[i])) * total }
        }
        return out
    }
}

private func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) / max(abs($1), 1e-12) }.max() ?? 0
}

@Test("CTC losses and gradients match PyTorch's ctc_loss for every reduction (1e-5 relative, 1e-4 absolute)",
      arguments: CTCLoss.Reduction.allCases)
func ctcMatchesPyTorch(reduction: CTCLoss.Reduction) throws {
    let golden = try Golden()
    let ctc = CTCLoss(blank: golden.blank, reduction: reduction)
    let output = golden.logProbs.withUnsafeBufferPointer {
        ctc(logProbs: $0, batch: golden.batch, time: golden.time, vocab: golden.vocab,
            inputLengths: golden.inputLengths, targets: golden.targets)
    }
    let expectedLosses = try #require(golden.json["loss_none"] as? [Double])
    #expect(maxRelativeError(output.losses, expectedLosses) < 1e-5)
    let key = reduction == .none ? "sum" : reduction.rawValue
    let expectedLoss = try #require(golden.json["loss_\(key)"] as? Double)
    #expect(abs(output.loss - expectedLoss) / expectedLoss < 1e-5)
    let gradient = try #require(output.gradient)
    let expected = Golden.batchMajor(golden.json["grad_logits_\(key)"])
    let actual = golden.throughLogSoftmax(gradient)
    #expect(zip(actual, expected).map { abs($0 - $1) }.max() ?? 1 < 1e-4)
    // Frames past an utterance's length get no gradient.
    let padded = (golden.time + golden.inputLengths[1]) * golden.vocab
    #expect(gradient[padded...].prefix((golden.time - golden.inputLengths[1]) * golden.vocab).allSatisfy { $0 == 0 })
}

@Test("the CTC loss equals the brute-force sum over all alignments of a tiny input")
func ctcMatchesBruteForce() {
    let time = 4, vocab = 3, blank = 2
    var generator = SystemRandomNumberGenerator()
    for target in [[0], [0, 1], [0, 0], [1, 0, 1], []] {
        var logProbs: [Float] = []
        for _ in 0..<time {
            let logits = (0..<vocab).map { _ in Double.random(in: -2...2, using: &generator) }
            let norm = log(logits.map(exp).reduce(0, +))
            logProbs += logits.map { Float($0 - norm) }
        }
        var total = 0.0
        for code in 0..<Int(pow(Double(vocab), Double(time))) {
            var path: [Int] = [], rest = code
            for _ in 0..<time { path.append(rest % vocab); rest /= vocab }
            var collapsed: [Int] = []
            for (index, label) in path.enumerated() where label != blank && (index == 0 || path[index - 1] != label) {
                collapsed.append(label)
            }
            if collapsed == target {
                total += exp(path.enumerated().reduce(0.0) { $0 + Double(logProbs[$1.offset * vocab + $1.element]) })
            }
        }
        let output = logProbs.withUnsafeBufferPointer {
            CTCLoss(blank: blank, reduction: .sum)(logProbs: $0, batch: 1, time: time, vocab: vocab,
                                                  inputLengths: [time], targets: [target])
        }
        #expect(abs(output.loss - -log(total)) < 1e-5, "target \(target)")
    }
}

@Test("the CTC gradient matches finite differences of the loss")
func ctcGradientMatchesFiniteDifferences() throws {
    let golden = try Golden()
    let ctc = CTCLoss(blank: golden.blank, reduction: .meanBatch)
    func loss(_ values: [Float]) -> Double {
        values.withUnsafeBufferPointer {
            ctc(logProbs: $0, batch: golden.batch, time: golden.time, vocab: golden.vocab,
                inputLengths: golden.inputLengths, targets: golden.targets, gradient: false).loss
        }
    }
    let gradient = try #require(golden.logProbs.withUnsafeBufferPointer {
        ctc(logProbs: $0, batch: golden.batch, time: golden.time, vocab: golden.vocab,
            inputLengths: golden.inputLengths, targets: golden.targets).gradient
    })
    let step: Float = 1e-2
    for index in stride(from: 3, to: golden.logProbs.count, by: 37) {
        var plus = golden.logProbs, minus = golden.logProbs
        plus[index] += step
        minus[index] -= step
        let numeric = (loss(plus) - loss(minus)) / Double(2 * step)
        #expect(abs(numeric - Double(gradient[index])) < 2e-3, "index \(index)")
    }
}

@Test("an impossible alignment is infinite, or zero with zero gradient under zero_infinity")
func ctcZeroInfinity() {
    let logProbs = [Float](repeating: log(1.0 / 3.0), count: 2 * 3)
    let target = [[0, 0, 1]]  // needs at least 4 frames
    let plain = logProbs.withUnsafeBufferPointer {
        CTCLoss(blank: 2, reduction: .sum)(logProbs: $0, batch: 1, time: 2, vocab: 3, inputLengths: [2], targets: target)
    }
    #expect(plain.loss == .infinity)
    let zeroed = logProbs.withUnsafeBufferPointer {
        CTCLoss(blank: 2, reduction: .sum, zeroInfinity: true)(logProbs: $0, batch: 1, time: 2, vocab: 3, inputLengths: [2], targets: target)
    }
    #expect(zeroed.loss == 0 && zeroed.impossible == 1 && plain.impossible == 0)
    #expect(zeroed.gradient?.allSatisfy { $0 == 0 } == true)
}
