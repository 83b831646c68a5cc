import Foundation
import TAOTensor

/// How a training loop keeps `checkpoints/last.tao`, the same for every task: at the end of each epoch, and at the
/// step (or during the validation) where Ctrl-C or SIGTERM asked the run to stop, which then ends with
/// `TaskError.interrupted`.
struct TrainingCheckpointer {
    let url: URL
    let origin: TrainingCheckpoint.Origin
    let stop: StopRequest
    let optimizer: any Optimizer
    let totalSteps: Int
    let stepsPerEpoch: Int
    /// The epochs the loop runs; a stop asked in the last one is not needed.
    let epochs: Range<Int>
    /// The optimizer steps the run had taken when it resumed, nil for a fresh run.
    let stepsAtResume: Int?
    /// Writes the model with `extras` (the checkpoint's members) to `url`.
    let save: (_ extras: [(String, Data)]) throws -> Void

    /// After a step of `epoch`: when a stop was asked and steps remain, saves the epoch's steps taken so far and ends
    /// the run.
    func afterStep(epoch: Int, step: Int, items: Int, best: TrainingCheckpoint.BestEpoch?, partial: TrainingCheckpoint.PartialEpoch) throws {
        guard let signal = stop.signal, step < totalSteps else { return }
        let state = TrainingCheckpoint(epochs: epoch, step: step, items: items, best: best, origin: origin, partial: partial)
        try save(state.members(optimizer: optimizer))
        throw state.interruption(by: signal, checkpoint: url, totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch)
    }

    /// Runs the validation of `epoch`, whose steps are all taken, handing `body` the request that cuts it short when
    /// steps remain (nil in the run's last epoch, whose validation always ends): the epoch's steps are then saved, as
    /// after its last step, and the run ends; resumed, it validates the epoch again.
    func validating<T>(epoch: Int, step: Int, items: Int, best: TrainingCheckpoint.BestEpoch?, partial: TrainingCheckpoint.PartialEpoch,
                       _ body: (StopRequest?) throws -> T) throws -> T {
        guard step < totalSteps else { return try body(nil) }
        do {
            return try body(stop)
        } catch is ValidationStopped {
            // The stop is asked and steps remain: this saves the epoch's steps and throws the interruption.
            try afterStep(epoch: epoch, step: step, items: items, best: best, partial: partial)
            throw ValidationStopped()
        }
    }

    /// At the end of `epoch`: saves the checkpoint, then ends the run when a stop was asked and more remains.
    func afterEpoch(_ epoch: Int, step: Int, items: Int, best: TrainingCheckpoint.BestEpoch?) throws {
        let state = TrainingCheckpoint(epochs: epoch + 1, step: step, items: items, best: best, origin: origin)
        try save(state.members(optimizer: optimizer))
        if let signal = stop.signal, step < totalSteps, epoch + 1 < epochs.upperBound {
            throw state.interruption(by: signal, checkpoint: url, totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch)
        }
    }

    /// Why the run's model at `output` is left as it is, or nil: a resumed run that trained no step would otherwise
    /// save it again, stamping this run's spec (a new data_dir, say) on weights that never saw it.
    func untouched(after step: Int, output: URL) -> String? {
        guard step == stepsAtResume, FileManager.default.fileExists(atPath: output.path) else { return nil }
        return "nothing trained; the model in \(output.path) is left as it was"
    }
}

/// Thrown by a validation pass that saw a stop request between two batches.
struct ValidationStopped: Error {
    /// Throws when `stop` is set.
    static func check(_ stop: StopRequest?) throws {
        if stop?.signal != nil { throw ValidationStopped() }
    }
}
