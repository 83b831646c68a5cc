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
