import Foundation
import Testing
@testable import TAOToolkit

@Suite("tao runs output")
struct RegistryReportTests {
    let utc = TimeZone(identifier: "UTC")!
    let start = Date(timeIntervalSince1970: 1_764_400_000) // 2025-11-29 07:06:40 UTC

    func run(_ id: String, status: RunStatus, end: TimeInterval?, error: String? = nil, pid: Int32 = 1) -> RunRecord {
        RunRecord(id: id, task: "speech_to_text", subtask: "train", spec: "trainer:\n  max_epochs: 2\n", resultsDir: "/tmp/r",
                  process: ProcessIdentity(host: "here", pid: pid, startTicks: nil), start: start,
                  end: end.map { start.addingTimeInterval($0) }, status: status, error: error)
    }

    @Test("list: aligned columns, durations, the first line of the error cut to 60 characters, INTERRUPTED for dead runs and stopped ones")
    func list() {
        let report = RunsReport(timeZone: utc, now: start.addingTimeInterval(3725), currentHost: "here")
        let longError = "/tmp/s/train.yaml: 'trainer.max_epochs': 'ten' is not an integer (give a whole number)\nmore"
        let text = report.list([
            run("b", status: .failure, end: 1.2, error: longError),
            run("a", status: .running, end: nil, pid: 2_147_483_000),
            run("c", status: .success, end: 187),
            run("d", status: .interrupted, end: 65, error: "stopped by Ctrl-C after step 7 of 16"),
        ], registryPath: "/x")
        #expect(text == """
            ID  TASK            SUBTASK  STATUS       START                DURATION  ERROR
            b   speech_to_text  train    FAILURE      2025-11-29 07:06:40  1s        /tmp/s/train.yaml: 'trainer.max_epochs': 'ten' is not an ...
            a   speech_to_text  train    INTERRUPTED  2025-11-29 07:06:40  -
            c   speech_to_text  train    SUCCESS      2025-11-29 07:06:40  3m07s
            d   speech_to_text  train    INTERRUPTED  2025-11-29 07:06:40  1m05s     stopped by Ctrl-C after step 7 of 16\n
            """)
        #expect(report.list([], registryPath: "/x", task: "n_gram") == "no runs of task n_gram recorded in /x\n")
    }

    @Test("show: fields, last metrics, a per-epoch table, artifacts and the spec")
    func show() {
        let report = RunsReport(timeZone: utc, now: start, currentHost: "here")
        let details = RunDetails(
            run: run("a", status: .success, end: 7384),
            latestMetrics: [MetricRecord(run: "a", epoch: 1, step: 20, name: "loss", value: 1.25)],
            epochMetrics: [MetricRecord(run: "a", epoch: 0, step: 10, name: "loss", value: 2.5),
                           MetricRecord(run: "a", epoch: 0, step: 10, name: "wer", value: 0.9),
                           MetricRecord(run: "a", epoch: 1, step: 20, name: "loss", value: 1.25)],
            artifacts: [ArtifactRecord(run: "a", path: "/tmp/r/m.tao", kind: "model", bytes: 7, sha256: "ab12")]
        )
        let text = report.show(details)
        #expect(text.contains("status:   SUCCESS\n"))
        #expect(text.contains("duration: 2h03m04s\n"))
        #expect(text.contains("  EPOCH  LOSS  WER\n  0      2.5   0.9\n  1      1.25  -\n"))
        #expect(text.contains("  model  7      ab12    /tmp/r/m.tao\n"))
        #expect(text.hasSuffix("spec:\n  trainer:\n    max_epochs: 2\n"))
        // A run stopped by Ctrl-C says where it stopped, which is not an error.
        let stopped = report.show(RunDetails(run: run("s", status: .interrupted, end: 5, error: "stopped by Ctrl-C after step 7 of 16"),
                                             latestMetrics: [], epochMetrics: [], artifacts: []))
        #expect(stopped.contains("status:   INTERRUPTED\n") && stopped.contains("stopped:  stopped by Ctrl-C after step 7 of 16\n"), "\(stopped)")
    }

    @Test("compare: both runs' last values and their difference")
    func compare() {
        let report = RunsReport(timeZone: utc, now: start, currentHost: "here")
        let comparison = RunComparison(
            first: run("a", status: .success, end: 10), second: run("b", status: .success, end: 20),
            latest: [.init(epoch: nil, name: "loss", first: 1.25, second: 2), .init(epoch: nil, name: "wer", first: 0.5, second: nil)],
            perEpoch: []
        )
        let text = report.compare(comparison)
        #expect(text.contains("  NAME  FIRST  SECOND  SECOND-FIRST\n  loss  1.25   2       +0.75\n  wer   0.5    -       -\n"))
        #expect(!text.contains("per epoch"))
    }
}
