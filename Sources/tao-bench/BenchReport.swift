import Foundation

/// One benchmark result, printed as one JSON line:
/// `{"bench": name, "threads": n, "median_s": x, "min_s": x, "max_s": x, "throughput": x, "unit": "..."}`.
struct BenchReport: Encodable {
    let bench: String
    let threads: Int
    let medianSeconds: Double
    let minSeconds: Double
    let maxSeconds: Double
    /// Work per second in `unit` (e.g. audio-seconds/s, steps/s).
    let throughput: Double
    let unit: String

    enum CodingKeys: String, CodingKey {
        case bench, threads, throughput, unit
        case medianSeconds = "median_s", minSeconds = "min_s", maxSeconds = "max_s"
    }

    /// Times `body` `runs` times after one warm-up call; `work` is the amount of work one call does, in `unit`.
    static func measure(_ bench: String, threads: Int, runs: Int = 5, work: Double, unit: String, _ body: () throws -> Void) rethrows -> BenchReport {
        try body()
        var times: [Double] = []
        for _ in 0..<max(runs, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        let median = times[times.count / 2]
        return BenchReport(bench: bench, threads: threads, medianSeconds: median, minSeconds: times[0],
                           maxSeconds: times[times.count - 1], throughput: work / median, unit: unit)
    }

    /// Prints the report as one JSON line on stdout.
    func print() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let data = try? encoder.encode(self), let line = String(data: data, encoding: .utf8) {
            Swift.print(line)
        }
    }
}
