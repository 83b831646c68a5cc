import Foundation
import TAOTensor
import Testing
@testable import TAOToolkit

@Suite("Training checkpoints")
struct TrainingCheckpointTests {
    /// A checkpoint archive of `layer`, `optimizer` and `state`, as the training loops write one.
    private func write(_ layer: Linear, optimizer: any Optimizer, state: TrainingCheckpoint, to url: URL) throws {
        let weights = url.deletingLastPathComponent().appendingPathComponent("weights.safetensors")
        try layer.saveSafetensors(to: weights, metadata: ["format": "pt"])
        var archive = ModelArchive()
        archive[ModelArchive.weightsName] = try Data(contentsOf: weights)
        for (name, data) in try state.members(optimizer: optimizer) { archive[name] = data }
        try archive.write(to: url)
    }

    @Test("a checkpoint taken inside an epoch round-trips its state, a diverged run's NaN loss sum included, with the weights and optimizer moments")
    func partialEpochRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var rng = RandomGenerator(seed: 3)
        let layer = Linear(inFeatures: 3, outFeatures: 2, rng: &rng)
        let optimizer = Adam(parameters: layer.parameters, learningRate: 0.1)
        let output = layer(Tensor([1, 2, 3], shape: [1, 3]))
        let loss = (output * output).sum()
        loss.backward()
        optimizer.step()
        let state = TrainingCheckpoint(epochs: 2, step: 9, items: 17, best: .init(epoch: 1, value: .infinity), origin: .train,
                                       partial: .init(steps: 3, lossSum: .nan, unaligned: 1))
        let url = folder.appendingPathComponent("last.tao")
        try write(layer, optimizer: optimizer, state: state, to: url)

        var other = RandomGenerator(seed: 4)
        let restored = Linear(inFeatures: 3, outFeatures: 2, rng: &other)
        let restoredOptimizer = Adam(parameters: restored.parameters, learningRate: 0.1)
        let resumed = try #require(try TrainingCheckpoint.resume(restored, optimizer: restoredOptimizer, from: url, origin: .train))
        #expect(resumed.epochs == 2 && resumed.step == 9 && resumed.items == 17 && resumed.origin == .train)
        #expect(resumed.best?.value == .infinity)
        #expect(resumed.partial?.steps == 3 && resumed.partial?.unaligned == 1 && resumed.partial?.lossSum.isNaN == true)
        #expect(restored.weight.scalars == layer.weight.scalars)
        #expect(resumed.done == "2 epochs and 3 steps of the next (9 steps) done")
        let saved = optimizer.state(), loaded = Dictionary(uniqueKeysWithValues: restoredOptimizer.state())
        #expect(saved.count == loaded.count && !saved.isEmpty)
        for (name, tensor) in saved { #expect(loaded[name]?.scalars == tensor.scalars, "\(name)") }
    }

    @Test("the message of a stopped run says where it stopped, counting epochs from 0 as the progress lines do")
    func interruptionMessage() {
        let url = URL(fileURLWithPath: "/r/checkpoints/last.tao")
        let inside = TrainingCheckpoint(epochs: 1, step: 7, items: 7, partial: .init(steps: 3, lossSum: 1, unaligned: 0))
        #expect(inside.interruption(by: SIGINT, checkpoint: url, totalSteps: 16, stepsPerEpoch: 4).description
                == "stopped by Ctrl-C after step 7 of 16 (in epoch 1, 3 of its 4 steps done); the checkpoint /r/checkpoints/last.tao holds it: "
                + "run the same command again to resume")
        let atEnd = TrainingCheckpoint(epochs: 2, step: 8, items: 8)
        #expect(atEnd.interruption(by: SIGTERM, checkpoint: url, totalSteps: 16, stepsPerEpoch: 4).description
                    .hasPrefix("stopped by SIGTERM after step 8 of 16 (at the end of epoch 1)"))
    }
}
