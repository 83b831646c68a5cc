import Foundation
import Testing
@testable import TAOToolkit

@Suite("Progress bar")
struct ProgressBarTests {
    let start = Date(timeIntervalSince1970: 1_764_400_000)

    func report(_ step: Int, after seconds: Double, loss: Double = 0.5, metrics: [String: Double] = [:]) -> ProgressReport {
        ProgressReport(epoch: 0, step: step, totalSteps: 100, loss: loss, metrics: metrics, date: start.addingTimeInterval(seconds))
    }

    @Test("plain mode prints one line per interval, the last step always, with rate, ETA and metrics")
    func plainOutput() {
        var printed: [String] = []
        let bar = ProgressBar(isTerminal: false, interval: 10) { printed.append($0) }
        bar.record(report(1, after: 0))
        bar.record(report(2, after: 1))      // held back: within 10 s of the last line
        bar.record(report(51, after: 10))
        bar.record(report(60, after: 12))    // held back
        bar.record(report(70, after: 13, metrics: ["val_wer": 0.25])) // an epoch's validation is always shown
        bar.record(report(80, after: 14))    // held back
        bar.record(report(100, after: 19.8)) // the last step is always shown
        bar.finish(RunOutcome(status: .success, message: "done"))
        #expect(printed == [
            "epoch 0 | step 1/100 (1%) | loss 0.5\n",
            "epoch 0 | step 51/100 (51%) | 5.0 it/s | ETA 0:00:10 | loss 0.5\n",
            "epoch 0 | step 70/100 (70%) | 5.3 it/s | ETA 0:00:06 | loss 0.5 | val_wer 0.25\n",
            "epoch 0 | step 100/100 (100%) | 5.0 it/s | loss 0.5\n",
        ])
    }

    @Test("a report held back by the rate limit is shown when the job finishes")
    func flushOnFinish() {
        var printed: [String] = []
        let bar = ProgressBar(isTerminal: false, interval: 10) { printed.append($0) }
        bar.record(ProgressReport(step: 1, date: start))
        bar.record(ProgressReport(step: 7, learningRate: 0.000123, items: 70, date: start.addingTimeInterval(2)))
        bar.finish(RunOutcome(status: .success, message: "done"))
        #expect(printed == ["step 1\n", "step 7 | 34.5 samples/s | lr 0.000123\n"])
    }

    @Test("on a terminal the line is redrawn in place with a bar, and notes go above it")
    func terminalOutput() {
        var printed: [String] = []
        let bar = ProgressBar(isTerminal: true, interval: 0.1, barWidth: 10) { printed.append($0) }
        bar.record(report(50, after: 0, metrics: ["wer": 0.25]))
        bar.record(report(60, after: 1, metrics: ["wer": 0.25]))
        bar.note("checkpoint saved")
        bar.finish(RunOutcome(status: .success, message: "done"))
        #expect(printed == [
            "\repoch 0 [=====     ] 50/100 50% loss 0.5 wer 0.25\u{1B}[K",
            "\repoch 0 [======    ] 60/100 60% 10.0 it/s ETA 0:00:04 loss 0.5 wer 0.25\u{1B}[K",
            "\n", "checkpoint saved\n",
        ])
    }

    @Test("on a terminal a line wider than the terminal is cut, so \\r returns to its start")
    func terminalWidth() {
        var printed: [String] = []
        let bar = ProgressBar(isTerminal: true, barWidth: 10) { printed.append($0) }
        bar.maxWidth = 21
        bar.record(report(50, after: 0))
        #expect(printed == ["\repoch 0 [=====     ]\u{1B}[K"])
    }
}
