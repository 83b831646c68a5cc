/// How a training loop turns `trainer`'s limits into epochs and optimizer steps, the same for every task.
extension TrainerSpec {
    /// Optimizer steps in an epoch of `batches` batches, `accumulate_grad_batches` of them per step.
    func stepsPerEpoch(batches: Int) -> Int {
        (batches + accumulateGradBatches - 1) / accumulateGradBatches
    }

    /// The steps the learning-rate schedule spans: `max_steps` when set, else `max_epochs` epochs.
    func plannedSteps(stepsPerEpoch: Int) throws -> Int {
        if maxSteps > 0 { return maxSteps }
        guard maxEpochs > 0 else {
            throw SpecError.invalid(path: "trainer.max_epochs", reason: "-1 (no limit) needs trainer.max_steps to end the run")
        }
        return maxEpochs * stepsPerEpoch
    }

    /// The epochs left after `done` (a resumed run's); empty when the checkpoint has trained them all. With
    /// `max_epochs` -1 the range is open and the loop ends on `max_steps`.
    func remainingEpochs(after done: Int) -> Range<Int> {
        done..<max(done, maxEpochs < 0 ? Int.max : maxEpochs)
    }

    /// What a resumed run is told when its checkpoint has trained every epoch or step the spec asks for, else nil.
    func nothingLeft(epochsDone: Int, stepsDone: Int, plannedSteps: Int) -> String? {
        guard remainingEpochs(after: epochsDone).isEmpty || stepsDone >= plannedSteps else { return nil }
        return "nothing left to train (trainer.max_epochs \(maxEpochs), trainer.max_steps \(maxSteps)); "
            + "raise them to train on, or give a new -r to start afresh"
    }

    /// An epoch's batches in the groups whose summed gradients make one optimizer step.
    func stepGroups<Batch>(_ batches: [Batch]) -> [[Batch]] {
        stride(from: 0, to: batches.count, by: accumulateGradBatches).map {
            Array(batches[$0..<min($0 + accumulateGradBatches, batches.count)])
        }
    }
}
