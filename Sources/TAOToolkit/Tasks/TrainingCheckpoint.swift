import Foundation
import TAOTensor

/// Where a training run stands after an epoch, kept in the checkpoint archive beside the model so that running
/// `train` again with the same results folder resumes from it: the optimizer's moments and the step counter (which
/// drives the learning-rate schedule) come back exactly, and the epoch's batch order and augmentation follow from
/// the seed.
struct TrainingCheckpoint: Codable, Equatable {
    static let optimizerMember = "optimizer_state.safetensors"
    static let trainerMember = "trainer_state.json"

    /// Epochs finished.
    var epochs: Int
    /// Optimizer steps taken.
    var step: Int
    /// Utterances (or sentences) seen.
    var items: Int
    /// The epoch (counted from 1) whose validation headline was best so far, when the run keeps the best model.
    var best: BestEpoch?

    struct BestEpoch: Codable, Equatable {
        var epoch: Int
        var value: Double
    }

    init(epochs: Int, step: Int, items: Int, best: BestEpoch? = nil) {
        (self.epochs, self.step, self.items, self.best) = (epochs, step, items, best)
    }

    /// The archive members that record this state and `optimizer`'s.
    func members(optimizer: any Optimizer) throws -> [(String, Data)] {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("tao-optim-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try SafetensorsFile.write(optimizer.state(), to: temporary)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [(Self.trainerMember, try encoder.encode(self)), (Self.optimizerMember, try Data(contentsOf: temporary))]
    }

    /// Reads the state from a checkpoint archive and restores `optimizer` from it; nil when the archive holds no
    /// training state (a model exported for inference).
    static func restore(from archive: ModelArchive, path: String, into optimizer: any Optimizer) throws -> TrainingCheckpoint? {
        guard let trainer = archive[trainerMember], let optimizerData = archive[optimizerMember] else { return nil }
        let state: TrainingCheckpoint
        do {
            state = try JSONDecoder().decode(TrainingCheckpoint.self, from: trainer)
        } catch {
            throw TaskError.badCheckpoint(path: path, reason: "\(trainerMember) is not valid (\(error))")
        }
        let file = try SafetensorsFile(data: optimizerData, path: path + "!" + optimizerMember)
        var tensors: [String: Tensor] = [:]
        for name in file.entries.keys { tensors[name] = try file.tensor(name) }
        try optimizer.restore(tensors, source: path + "!" + optimizerMember)
        return state
    }

    /// Loads the weights and optimizer state of `checkpoint` into `model` and `optimizer` when a previous run in the
    /// same results folder left one; nil when there is none.
    static func resume(_ model: any Module, optimizer: any Optimizer, from checkpoint: URL) throws -> TrainingCheckpoint? {
        guard FileManager.default.fileExists(atPath: checkpoint.path) else { return nil }
        let archive = try ModelArchive.read(from: checkpoint)
        do {
            try archive.loadWeights(into: model, archive: checkpoint.path)
        } catch {
            throw TaskError.badCheckpoint(path: checkpoint.path, reason: "its model differs from the spec's (\(error))")
        }
        guard let state = try restore(from: archive, path: checkpoint.path, into: optimizer) else {
            throw TaskError.badCheckpoint(path: checkpoint.path, reason: "it holds no optimizer state")
        }
        return state
    }
}
