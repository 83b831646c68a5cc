import Foundation
import TAOTensor

/// Where a training run stands after an epoch (or at a step inside one, when it was stopped there), kept in the
/// checkpoint archive beside the model so that running `train` again with the same results folder resumes from it:
/// the optimizer's moments and the step counter (which drives the learning-rate schedule) come back exactly, and the
/// epoch's batch order and augmentation follow from the seed.
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
    /// What the run started from; nil in checkpoints written before tao recorded it.
    var origin: Origin?
    /// How far into the next epoch (index `epochs`, counted from 0) the run got when it was stopped during it; nil when
    /// the checkpoint ends an epoch.
    var partial: PartialEpoch?

    struct BestEpoch: Codable, Equatable {
        var epoch: Int
        var value: Double
    }

    /// The first steps of an epoch, taken in its seeded batch order: a resumed run takes the rest.
    struct PartialEpoch: Codable, Equatable {
        var steps: Int
        /// The sum of those steps' losses, so that the epoch's train_loss still averages all of its steps.
        var lossSum: Double
        /// Utterances in those steps that had no CTC alignment (speech; 0 for text), for the epoch's warning.
        var unaligned: Int
    }

    /// The subtask that trains, and for `finetune` the SHA-256 of the `-m` model it started from: a checkpoint
    /// resumes only the run it belongs to.
    struct Origin: Codable, Equatable {
        var subtask: String
        var startModel: String?

        static let train = Origin(subtask: "train", startModel: nil)

        /// A finetune of the model file at `url`.
        static func finetune(of url: URL) throws -> Origin {
            Origin(subtask: "finetune", startModel: try RunRecorder.sizeAndDigest(of: url).1)
        }

        var described: String { subtask == "train" ? "a train run" : "a finetune of another -m model" }
    }

    init(epochs: Int, step: Int, items: Int, best: BestEpoch? = nil, origin: Origin? = nil, partial: PartialEpoch? = nil) {
        (self.epochs, self.step, self.items, self.best, self.origin, self.partial) = (epochs, step, items, best, origin, partial)
    }

    /// Why these counts cannot come from a real run, or nil: what resuming trusts to plan the rest.
    var implausibility: String? {
        let limit = 1 << 48
        if !(0...limit).contains(epochs) || !(0...limit).contains(step) || !(0...limit).contains(items) {
            return "epochs \(epochs), step \(step) and items \(items) must each be between 0 and \(limit)"
        }
        if step > items { return "step \(step) is more than the \(items) items seen (a step takes at least one)" }
        if let best, !(1...max(epochs, 1)).contains(best.epoch) { return "the best epoch \(best.epoch) is not one of the \(epochs) done" }
        if let partial, !(0...step).contains(partial.steps) || !(0...items).contains(partial.unaligned) {
            return "the unfinished epoch's \(partial.steps) steps (\(partial.unaligned) utterances unaligned) "
                + "do not fit the \(step) steps and \(items) items of the run"
        }
        return nil
    }

    /// What the run had done, for the log of the run that resumes it.
    var done: String {
        "\(epochs) epoch\(epochs == 1 ? "" : "s")" + (partial.map { " and \($0.steps) steps of the next" } ?? "") + " (\(step) steps) done"
    }

    /// The error that ends a run stopped by `signal` once this state is saved in `checkpoint`.
    func interruption(by signal: Int32, checkpoint: URL, totalSteps: Int, stepsPerEpoch: Int) -> TaskError {
        let source = InterruptSignals.name(of: signal)
        // Epochs counted from 0, as the progress lines count them.
        let place = partial.map { "in epoch \(epochs), \($0.steps) of its \(stepsPerEpoch) steps done" } ?? "at the end of epoch \(epochs - 1)"
        return .interrupted(signal: signal, reason: "stopped by \(source) after step \(step) of \(totalSteps) (\(place)); "
                            + "the checkpoint \(checkpoint.path) holds it: run the same command again to resume")
    }

    /// A diverged run's losses (a partial epoch's sum) are not finite; JSON spells them as strings.
    static let nonFiniteNumbers = (
        encoding: JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan"),
        decoding: JSONDecoder.NonConformingFloatDecodingStrategy.convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    )

    /// The archive members that record this state and `optimizer`'s.
    func members(optimizer: any Optimizer) throws -> [(String, Data)] {
        let temporary = TemporaryFiles.url("optim", extension: "safetensors")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try SafetensorsFile.write(optimizer.state(), to: temporary)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = Self.nonFiniteNumbers.encoding
        return [(Self.trainerMember, try encoder.encode(self)), (Self.optimizerMember, try Data(contentsOf: temporary))]
    }

    /// Loads the weights and optimizer state of `checkpoint` into `model` and `optimizer` when a previous run in the
    /// same results folder left one; nil when there is none. A checkpoint of another run (a `train` checkpoint met by
    /// `finetune`, a finetune of another model) is an error: resuming it would drop the `-m` model unseen, and
    /// starting afresh would overwrite it.
    static func resume(_ model: any Module, optimizer: any Optimizer, from checkpoint: URL, origin: Origin) throws -> TrainingCheckpoint? {
        guard FileManager.default.fileExists(atPath: checkpoint.path) else { return nil }
        let archive = try ModelArchive.read(from: checkpoint), path = checkpoint.path
        guard let trainer = archive[trainerMember], let optimizerData = archive[optimizerMember] else {
            throw TaskError.badCheckpoint(path: path, reason: "it holds no optimizer state")
        }
        let state: TrainingCheckpoint
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = nonFiniteNumbers.decoding
            state = try decoder.decode(TrainingCheckpoint.self, from: trainer)
        } catch {
            throw TaskError.badCheckpoint(path: path, reason: "\(trainerMember) is not valid (\(error))")
        }
        if let implausibility = state.implausibility {
            throw TaskError.badCheckpoint(path: path, reason: "\(trainerMember): \(implausibility)")
        }
        if let found = state.origin, found != origin {
            throw TaskError.badCheckpoint(path: path, reason: "it continues \(found.described), not this \(origin.subtask)")
        }
        do {
            try archive.loadWeights(into: model, archive: path)
        } catch {
            throw TaskError.badCheckpoint(path: path, reason: "its model differs from the spec's (\(error))")
        }
        let file = try SafetensorsFile(data: optimizerData, path: path + "!" + optimizerMember)
        var tensors: [String: Tensor] = [:]
        for name in file.entries.keys { tensors[name] = try file.tensor(name) }
        try optimizer.restore(tensors, source: path + "!" + optimizerMember)
        return state
    }
}
