import Foundation

/// `<results>/status.json` as TAO writes it: one JSON object per line with `date` (M/D/YYYY), `time` (H:MM:SS,
/// local time), `status`, `message` and, for training, `epoch`, `step`, `total_steps`, `loss`, `lr`, `metrics`.
public final class StatusFile: MetricsSink {
    public let url: URL
    private let timeZone: TimeZone

    /// Opens (creating if needed) the status file; lines are appended, so a re-run in the same folder adds to it.
    public init(url: URL, timeZone: TimeZone = .current) throws {
        self.url = url
        self.timeZone = timeZone
        if !FileManager.default.fileExists(atPath: url.path), !FileManager.default.createFile(atPath: url.path, contents: nil) {
            throw RunRecordError.cannotWrite(path: url.path, reason: "cannot create the status file")
        }
    }

    /// Appends one line.
    public func append(status: RunStatus, message: String, report: ProgressReport? = nil, date: Date = Date()) throws {
        let line = Self.line(status: status, message: message, report: report, date: date, timeZone: timeZone)
        do {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data((line + "\n").utf8))
        } catch {
            throw RunRecordError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    public func record(_ report: ProgressReport) throws {
        let position = report.epoch.map { "epoch \($0), step \(report.step)" } ?? "step \(report.step)"
        try append(status: .running, message: "Training in progress: \(position)", report: report, date: report.date)
    }

    public func finish(_ outcome: RunOutcome) throws {
        try append(status: outcome.status, message: outcome.message, date: outcome.date)
    }

    /// One status line (without the newline). Non-finite numbers are written as `null`, which JSON can carry.
    public static func line(
        status: RunStatus, message: String, report: ProgressReport? = nil, date: Date, timeZone: TimeZone = .current
    ) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: timeZone, from: date)
        var fields: [(String, String)] = [
            ("date", quoted("\(c.month ?? 0)/\(c.day ?? 0)/\(c.year ?? 0)")),
            ("time", quoted(String(format: "%d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0))),
            ("status", quoted(status.rawValue)),
            ("message", quoted(message)),
        ]
        if let report {
            if let epoch = report.epoch { fields.append(("epoch", "\(epoch)")) }
            fields.append(("step", "\(report.step)"))
            if let total = report.totalSteps { fields.append(("total_steps", "\(total)")) }
            if let loss = report.loss { fields.append(("loss", number(loss))) }
            if let lr = report.learningRate { fields.append(("lr", number(lr))) }
            if !report.metrics.isEmpty {
                let metrics = report.metrics.keys.sorted().map { "\(quoted($0)): \(number(report.metrics[$0] ?? .nan))" }
                fields.append(("metrics", "{" + metrics.joined(separator: ", ") + "}"))
            }
        }
        return "{" + fields.map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
