import Foundation

/// `exp_manager.checkpoint_callback_params.save_best_model`: keeps the model of the epoch that scored best on
/// validation in `checkpoints/best.tao` and makes it the run's output at the end.
struct BestModelKeeper {
    let enabled: Bool
    /// Whether a higher validation figure is better (accuracy, F1) or a lower one (WER).
    let higherIsBetter: Bool
    let file: URL
    /// The best epoch so far (restored from the last checkpoint when a run resumes).
    var best: TrainingCheckpoint.BestEpoch?

    init(enabled: Bool, higherIsBetter: Bool, resultsDir: URL, resumed: TrainingCheckpoint?) {
        (self.enabled, self.higherIsBetter) = (enabled, higherIsBetter)
        file = resultsDir.appendingPathComponent("checkpoints/best.tao")
        best = resumed?.best
    }

    /// Saves the model through `save` when `value`, epoch `epoch`'s (counted from 1) figure, beats the best so far.
    mutating func consider(epoch: Int, value: Double, save: (URL) throws -> Void) throws {
        guard enabled, value.isFinite else { return }
        if let best, higherIsBetter ? value <= best.value : value >= best.value { return }
        try save(file)
        best = TrainingCheckpoint.BestEpoch(epoch: epoch, value: value)
    }

    /// Copies the best model to `output` and says which epoch it is; nil when there is none to keep (the caller then
    /// saves the last model).
    func finish(to output: URL) throws -> String? {
        guard enabled, let best, FileManager.default.fileExists(atPath: file.path) else { return nil }
        try ModelArchive.read(from: file).write(to: output)
        return String(format: "kept epoch %d, the best on validation (%.4f)", best.epoch, best.value)
    }
}
