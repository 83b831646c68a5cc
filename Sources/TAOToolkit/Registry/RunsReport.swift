import Foundation

/// The text `tao runs list|show|compare` prints: plain aligned tables, one run or metric per line.
public struct RunsReport {
    /// Used to show times (local time by default).
    public var timeZone: TimeZone
    /// Reference time for the duration of active runs.
    public var now: Date
    /// The host this process runs on, to tell dead processes (INTERRUPTED) from live ones.
    public var currentHost: String

    public init(timeZone: TimeZone = .current, now: Date = Date(), currentHost: String = ProcessIdentity.currentHost()) {
        self.timeZone = timeZone
        self.now = now
        self.currentHost = currentHost
    }

    /// One line per run: id, task, subtask, status, start, duration, error (shortened to one line).
    /// `task`: the filter the runs were listed with, for the message when there are none.
    public func list(_ runs: [RunRecord], registryPath: String, task: String? = nil) -> String {
        guard !runs.isEmpty else { return "no runs\(task.map { " of task \($0)" } ?? "") recorded in \(registryPath)\n" }
        let rows = runs.map { run in
            [run.id, run.task, run.subtask, run.displayStatus(currentHost: currentHost).rawValue, time(run.start),
             duration(of: run), Self.shortened(run.error ?? "", to: 60)]
        }
        return Self.table(header: ["ID", "TASK", "SUBTASK", "STATUS", "START", "DURATION", "ERROR"], rows: rows)
    }

    /// Every field of a run, its metrics (last value, and per epoch), its artifacts and its spec.
    public func show(_ details: RunDetails) -> String {
        let run = details.run
        var fields: [(String, String)] = [
            ("id", run.id), ("task", run.task), ("subtask", run.subtask),
            ("status", run.displayStatus(currentHost: currentHost).rawValue),
            ("results", run.resultsDir), ("host", "\(run.host) (pid \(run.pid))"),
            ("start", time(run.start)), ("end", run.end.map(time) ?? "-"), ("duration", duration(of: run)),
        ]
        if let error = run.error { fields.append((run.status == .interrupted ? "stopped" : "error", error)) }
        var text = fields.map { "\(($0.0 + ":").padding(toLength: 10, withPad: " ", startingAt: 0))\($0.1)" }.joined(separator: "\n") + "\n"

        text += "\nmetrics (last value):\n"
        text += details.latestMetrics.isEmpty ? "  none\n" : Self.indented(Self.table(
            header: ["NAME", "VALUE", "EPOCH", "STEP"],
            rows: details.latestMetrics.map { [$0.name, Self.number($0.value), $0.epoch.map(String.init) ?? "-", "\($0.step)"] }
        ))
        if !details.epochMetrics.isEmpty {
            text += "\nmetrics per epoch:\n" + Self.indented(Self.epochTable(details.epochMetrics))
        }
        text += "\nartifacts:\n"
        text += details.artifacts.isEmpty ? "  none\n" : Self.indented(Self.table(
            header: ["KIND", "BYTES", "SHA256", "PATH"],
            rows: details.artifacts.map { [$0.kind, "\($0.bytes)", $0.sha256, $0.path] }
        ))
        text += "\nspec:\n" + (run.spec.isEmpty ? "  (empty)\n" : Self.indented(run.spec.hasSuffix("\n") ? run.spec : run.spec + "\n"))
        return text
    }

    /// The two runs' last metric values side by side with their difference, then the same per epoch.
    public func compare(_ comparison: RunComparison) -> String {
        let a = comparison.first, b = comparison.second
        var text = Self.table(
            header: ["", "FIRST", "SECOND"],
            rows: [["id", a.id, b.id], ["task", a.task, b.task], ["subtask", a.subtask, b.subtask],
                   ["status", a.displayStatus(currentHost: currentHost).rawValue, b.displayStatus(currentHost: currentHost).rawValue],
                   ["start", time(a.start), time(b.start)],
                   ["duration", duration(of: a), duration(of: b)]]
        )
        text += "\nmetrics (last value):\n"
        text += comparison.latest.isEmpty ? "  none\n" : Self.indented(Self.table(
            header: ["NAME", "FIRST", "SECOND", "SECOND-FIRST"],
            rows: comparison.latest.map { [$0.name, Self.number($0.first), Self.number($0.second), Self.difference($0)] }
        ))
        if !comparison.perEpoch.isEmpty {
            text += "\nmetrics per epoch:\n" + Self.indented(Self.table(
                header: ["EPOCH", "NAME", "FIRST", "SECOND", "SECOND-FIRST"],
                rows: comparison.perEpoch.map {
                    [$0.epoch.map(String.init) ?? "-", $0.name, Self.number($0.first), Self.number($0.second), Self.difference($0)]
                }
            ))
        }
        return text
    }

    // MARK: formatting

    func time(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: timeZone, from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// How long a run took, or has run so far; unknown for a run whose process died (its end was not recorded).
    func duration(of run: RunRecord) -> String {
        run.end == nil && run.displayStatus(currentHost: currentHost) == .interrupted ? "-" : duration(run.duration(now: now))
    }

    /// `45s`, `3m07s`, `2h03m07s`; `-` when unknown.
    func duration(_ seconds: TimeInterval?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0, seconds < 1e9 else { return "-" }
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        if h > 0 { return String(format: "%dh%02dm%02ds", h, m, s) }
        if m > 0 { return String(format: "%dm%02ds", m, s) }
        return "\(s)s"
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "-" }
        return value.isFinite ? String(format: "%.6g", value) : "\(value)"
    }

    static func difference(_ row: RunComparison.Row) -> String {
        guard let first = row.first, let second = row.second else { return "-" }
        return String(format: "%+.6g", second - first)
    }

    /// The first line of `text`, cut to `length` characters with an ellipsis.
    static func shortened(_ text: String, to length: Int) -> String {
        let lines = text.split(separator: "\n")
        guard let first = lines.first else { return "" }
        if first.count > length { return first.prefix(length - 3) + "..." }
        return lines.count > 1 ? first + " ..." : String(first)
    }

    /// Per-epoch values as one row per epoch and one column per metric name.
    static func epochTable(_ metrics: [MetricRecord]) -> String {
        let names = Array(Set(metrics.map(\.name))).sorted()
        let epochs = Array(Set(metrics.compactMap(\.epoch))).sorted()
        var values: [Int: [String: Double?]] = [:]
        for metric in metrics { if let epoch = metric.epoch { values[epoch, default: [:]][metric.name] = metric.value } }
        return table(header: ["EPOCH"] + names.map { $0.uppercased() }, rows: epochs.map { epoch in
            ["\(epoch)"] + names.map { name in values[epoch]?[name].map(number) ?? "-" }
        })
    }

    /// Left-aligned columns separated by two spaces; no trailing spaces.
    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n") + "\n"
    }

    static func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "  " + $0 }.joined(separator: "\n") + "\n"
    }
}
