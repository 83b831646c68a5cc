import Foundation
import Testing
@testable import TAOToolkit

@Suite("save_best_model")
struct BestModelKeeperTests {
    /// Feeds `values` (one per epoch) to a keeper whose saves write an archive naming the epoch; returns the epochs
    /// saved and the epoch the output archive holds.
    private func run(_ values: [Double], enabled: Bool = true, higherIsBetter: Bool,
                     resumed: TrainingCheckpoint? = nil) throws -> (saved: [Int], kept: String?, summary: String?) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keeper-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var keeper = BestModelKeeper(enabled: enabled, higherIsBetter: higherIsBetter, resultsDir: folder, resumed: resumed)
        var saved: [Int] = []
        for (index, value) in values.enumerated() {
            try keeper.consider(epoch: index + 1, value: value) { file in
                var archive = ModelArchive()
                archive["epoch"] = Data("\(index + 1)".utf8)
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try archive.write(to: file)
                saved.append(index + 1)
            }
        }
        let output = folder.appendingPathComponent("model.tao")
        let summary = try keeper.finish(to: output)
        let kept = summary == nil ? nil : try ModelArchive.read(from: output)["epoch"].map { String(decoding: $0, as: UTF8.self) }
        return (saved, kept, summary)
    }

    @Test("accuracy-like figures: saves only on a strict improvement and ends with the best epoch")
    func higherIsBetter() throws {
        let result = try run([0.5, 0.7, 0.6, 0.7, .nan], higherIsBetter: true)
        #expect(result.saved == [1, 2])
        #expect(result.kept == "2")
        #expect(result.summary == "kept epoch 2, the best on validation (0.7000)")
    }

    @Test("WER: lower is better")
    func lowerIsBetter() throws {
        let result = try run([0.5, 0.4, 0.45, 0.41], higherIsBetter: false)
        #expect(result.saved == [1, 2])
        #expect(result.kept == "2")
    }

    @Test("disabled: nothing saved, the caller keeps the last model")
    func disabled() throws {
        let result = try run([0.5, 0.7], enabled: false, higherIsBetter: true)
        #expect(result.saved.isEmpty && result.kept == nil && result.summary == nil)
    }

    @Test("a resumed run remembers the best epoch before the interruption")
    func resumed() throws {
        let state = TrainingCheckpoint(epochs: 3, step: 30, items: 300, best: .init(epoch: 2, value: 0.9))
        let result = try run([0.8, 0.95], higherIsBetter: true, resumed: state)
        #expect(result.saved == [2])
        // A checkpoint written before save_best_model existed has no best epoch and still reads.
        let old = try JSONDecoder().decode(TrainingCheckpoint.self, from: Data(#"{"epochs": 1, "step": 5, "items": 40}"#.utf8))
        #expect(old == TrainingCheckpoint(epochs: 1, step: 5, items: 40))
    }
}
