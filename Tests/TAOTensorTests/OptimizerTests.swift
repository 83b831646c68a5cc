import Foundation
import Testing
@testable import TAOTensor

@Test("Novograd with a warm-up cosine schedule matches NeMo's update over four steps to 1e-6")
func novogradMatchesNeMo() throws {
    let golden = try Golden("novograd_steps.safetensors")
    let parameters = [try golden("p0.initial"), try golden("p1.initial")]
    let optimizer = Novograd(parameters: parameters, learningRate: 0.01, betas: (0.8, 0.5), weightDecay: 0.001)
    let schedule = CosineAnnealing(baseLR: 0.01, maxSteps: 4, warmup: .steps(1), minLR: 1e-4)
    let rates = try golden("lr").scalars
    for step in 0..<4 {
        #expect(abs(schedule.learningRate(at: step) - rates[step]) < 1e-8, "lr at step \(step)")
        optimizer.learningRate = schedule.learningRate(at: step)
        for (i, parameter) in parameters.enumerated() { parameter.grad = try golden("p\(i).grad\(step)") }
        optimizer.step()
        for (i, parameter) in parameters.enumerated() {
            #expect(maxAbsDifference(parameter.scalars, try golden("p\(i).after\(step)").scalars) < 1e-6, "p\(i) step \(step)")
        }
    }
}

@Test("cosine annealing: warm-up ratio, half-way value, min_lr at and after the end")
func cosineAnnealingValues() {
    let schedule = CosineAnnealing(baseLR: 1, maxSteps: 111, warmup: .ratio(0.1), minLR: 0.1)
    #expect(abs(schedule.learningRate(at: 0) - 1.0 / 12) < 1e-6)
    #expect(abs(schedule.learningRate(at: 11) - 1) < 1e-6)
    #expect(abs(schedule.learningRate(at: 61) - 0.55) < 1e-6)
    #expect(abs(schedule.learningRate(at: 111) - 0.1) < 1e-6)
    #expect(schedule.learningRate(at: 500) == 0.1)
}

@Test("SGD (Nesterov, dampening, weight decay), Adam and AdamW after gradient clipping match torch.optim over four steps to 1e-6")
func optimizersMatchPyTorch() throws {
    let golden = try Golden("optimizer_steps.safetensors")
    let makers: [(String, ([Tensor]) -> any Optimizer)] = [
        ("sgd_nesterov", { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true) }),
        ("sgd_dampening", { SGD(parameters: $0, learningRate: 0.1, momentum: 0.8, dampening: 0.1) }),
        ("adam", { Adam(parameters: $0, learningRate: 0.01, betas: (0.9, 0.99), weightDecay: 0.01) }),
        ("adamw", { Adam.adamW(parameters: $0, learningRate: 0.01, betas: (0.9, 0.99), weightDecay: 0.1) }),
    ]
    let norms = try golden("clip_norms").scalars
    for (name, make) in makers {
        let parameters = [try golden("p0.initial"), try golden("p1.initial")]
        let optimizer = make(parameters)
        for step in 0..<4 {
            for (i, parameter) in parameters.enumerated() { parameter.grad = try golden("p\(i).grad\(step)") }
            let norm = clipGradientNorm(parameters, maxNorm: 1)
            #expect(abs(norm - norms[step]) < 1e-4 * norms[step], "\(name) norm at step \(step)")
            optimizer.step()
            for (i, parameter) in parameters.enumerated() {
                #expect(maxAbsDifference(parameter.scalars, try golden("\(name).p\(i).after\(step)").scalars) < 1e-6, "\(name) p\(i) step \(step)")
            }
        }
    }
}

@Test("warm-up annealing, polynomial decay, Noam and constant schedules follow NeMo's formulas")
func otherSchedules() {
    let linear = WarmupAnnealing(baseLR: 1, maxSteps: 100, warmup: .ratio(0.1), minLR: 0)
    #expect(abs(linear.learningRate(at: 4) - 5.0 / 11) < 1e-6)
    #expect(abs(linear.learningRate(at: 55) - 0.5) < 1e-6)
    #expect(linear.learningRate(at: 101) == 0)
    let poly = PolynomialDecayAnnealing(baseLR: 1, maxSteps: 20, minLR: 0.1, power: 2)
    #expect(abs(poly.learningRate(at: 10) - (0.9 * 0.25 + 0.1)) < 1e-6)
    #expect(abs(poly.learningRate(at: 20) - 0.1) < 1e-6)
    let cyclic = PolynomialDecayAnnealing(baseLR: 1, maxSteps: 20, power: 1, cycle: true)
    #expect(abs(cyclic.learningRate(at: 15) - 0.25) < 1e-6)
    let noam = NoamAnnealing(baseLR: 1, modelDimension: 256, warmup: .steps(100), minLR: 1e-5)
    #expect(abs(noam.learningRate(at: 50) - 50 / (16 * 1000)) < 1e-7)
    #expect(abs(noam.learningRate(at: 400) - 1 / (16 * 20)) < 1e-7)
    #expect(abs(noam.learningRate(at: 0) - noam.learningRate(at: 1)) < 1e-9)
    let constant = ConstantSchedule(baseLR: 0.3, warmup: .steps(2), maxSteps: 10)
    #expect(abs(constant.learningRate(at: 0) - 0.1) < 1e-7)
    #expect(constant.learningRate(at: 5) == 0.3)
}

/// Runs `steps` updates of a fixed quadratic-ish loss on `weights`.
private func trainSteps(_ optimizer: any Optimizer, _ weights: Tensor, steps: Int) {
    for _ in 0..<steps {
        optimizer.zeroGrad()
        let loss = ((weights * weights).sum() + (weights * Tensor([0.5, -1, 2, 0.25, 3, -2], shape: [2, 3])).sum())
        loss.backward()
        optimizer.step()
    }
}

@Test("saving optimizer state after 3 steps and restoring it into a fresh optimizer continues exactly as without a stop",
      arguments: ["sgd", "adam", "adamw", "novograd"])
func optimizerStateResumes(kind: String) throws {
    func make(_ parameters: [Tensor]) -> any Optimizer {
        switch kind {
        case "sgd": SGD(parameters: parameters, learningRate: 0.1, momentum: 0.9, nesterov: true)
        case "adam": Adam(parameters: parameters, learningRate: 0.05, weightDecay: 0.01)
        case "adamw": Adam.adamW(parameters: parameters, learningRate: 0.05)
        default: Novograd(parameters: parameters, learningRate: 0.05, betas: (0.8, 0.5), weightDecay: 0.001)
        }
    }
    let start: [Float] = [1, -2, 0.5, 3, -1, 0.25]
    let straight = Tensor(start, shape: [2, 3], requiresGrad: true)
    trainSteps(make([straight]), straight, steps: 7)

    let first = Tensor(start, shape: [2, 3], requiresGrad: true)
    let before = make([first])
    trainSteps(before, first, steps: 3)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("optim-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: file) }
    try SafetensorsFile.write(before.state(), to: file)
    let saved = try SafetensorsFile(contentsOf: file)
    let restoredWeights = Tensor(first.scalars, shape: [2, 3], requiresGrad: true)
    let after = make([restoredWeights])
    try after.restore(Dictionary(uniqueKeysWithValues: try saved.entries.keys.map { ($0, try saved.tensor($0)) }), source: file.path)
    trainSteps(after, restoredWeights, steps: 4)
    #expect(restoredWeights.scalars == straight.scalars)
    #expect(!before.state().isEmpty)
}

@Test("restoring optimizer state of another shape names the tensor and both shapes")
func optimizerStateShapeMismatch() {
    let small = Tensor([1, 2], shape: [2], requiresGrad: true)
    let optimizer = Adam(parameters: [small])
    let state = ["0.exp_avg": Tensor([1, 2, 3], shape: [3]), "0.exp_avg_sq": Tensor([1, 2, 3], shape: [3])]
    #expect(throws: TensorError.wrongShape(path: "ckpt", key: "0.exp_avg", found: [3], expected: [2])) {
        try optimizer.restore(state, source: "ckpt")
    }
    #expect(throws: TensorError.unknownKeys(path: "ckpt", keys: ["7.exp_avg"])) {
        try optimizer.restore(["7.exp_avg": Tensor([1], shape: [1])], source: "ckpt")
    }
}
