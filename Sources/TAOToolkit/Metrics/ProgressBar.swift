import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal view of a long job: step/total, items per second, ETA and named metrics.
/// On a terminal one line is redrawn in place (`\r`) at most every `interval` seconds; otherwise (a pipe,
/// a log file, CI) a plain line is printed at most every `interval` seconds, plus the last step. A report with
/// metrics (an epoch's training loss and validation figures) is always shown.
public final class ProgressBar: MetricsSink {
    public let isTerminal: Bool
    /// Smallest time between two drawn lines, in seconds.
    public let interval: TimeInterval
    private let barWidth: Int
    /// Terminal width in columns: a longer line is cut so that `\r` still returns to its start.
    public var maxWidth: Int?
    private let output: (String) -> Void
    private var first: (date: Date, items: Int)?
    private var lastDrawn: Date?
    private var pending: ProgressReport?
    private var lineOpen = false

    /// `output` receives the text to print, as is; `interval` defaults to 0.1 s on a terminal and 10 s otherwise.
    public init(isTerminal: Bool, interval: TimeInterval? = nil, barWidth: Int = 24, output: @escaping (String) -> Void) {
        self.isTerminal = isTerminal
        self.interval = interval ?? (isTerminal ? 0.1 : 10)
        self.barWidth = barWidth
        self.output = output
    }

    /// A progress bar on standard output, drawn in place when standard output is a terminal.
    public static func standardOutput() -> ProgressBar {
        // Through `print` (C stdio), so the bar and the program's other output come out in order; flushed
        // at once because a redrawn line has no newline to trigger stdio's own flush.
        let bar = ProgressBar(isTerminal: isatty(STDOUT_FILENO) == 1) { text in
            print(text, terminator: "")
            fflush(nil)
        }
        var size = winsize()
        if bar.isTerminal, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            bar.maxWidth = Int(size.ws_col)
        }
        return bar
    }

    public func record(_ report: ProgressReport) {
        let items = report.items ?? report.step
        if first == nil { first = (report.date, items) }
        let isLast = report.totalSteps.map { report.step >= $0 } ?? false
        if let lastDrawn, report.date.timeIntervalSince(lastDrawn) < interval, !isLast, report.metrics.isEmpty {
            pending = report
            return
        }
        draw(report)
    }

    /// Prints a message on its own line (above the bar on a terminal).
    public func note(_ message: String) {
        closeLine()
        output(message + "\n")
    }

    /// Shows the last report if it was held back by the rate limit, and ends the line.
    public func finish(_ outcome: RunOutcome) {
        if let pending { draw(pending) }
        closeLine()
    }

    private func draw(_ report: ProgressReport) {
        pending = nil
        lastDrawn = report.date
        let text = line(for: report)
        if isTerminal {
            let fitted = maxWidth.map { text.count >= $0 ? String(text.prefix(max(0, $0 - 1))) : text } ?? text
            output("\r" + fitted + "\u{1B}[K")
            lineOpen = true
        } else {
            output(text + "\n")
        }
    }

    private func closeLine() {
        if lineOpen { output("\n") }
        lineOpen = false
    }

    /// The text of one progress line, without line control characters.
    public func line(for report: ProgressReport) -> String {
        var parts: [String] = []
        if let epoch = report.epoch { parts.append("epoch \(epoch)") }
        if let total = report.totalSteps, total > 0 {
            let fraction = min(1, max(0, Double(report.step) / Double(total)))
            let percent = Int((fraction * 100).rounded(.down))
            if isTerminal {
                let filled = Int((fraction * Double(barWidth)).rounded(.down))
                let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: barWidth - filled)
                parts.append("[\(bar)] \(report.step)/\(total) \(percent)%")
            } else {
                parts.append("step \(report.step)/\(total) (\(percent)%)")
            }
        } else {
            parts.append("step \(report.step)")
        }
        if let rate = rate(at: report) {
            // Utterances or sentences per second when the run counts them; optimizer steps per second otherwise.
            parts.append(String(format: report.items == nil ? "%.1f it/s" : "%.1f samples/s", rate))
            if let total = report.totalSteps, rate > 0, report.step < total {
                let itemsPerStep = Double(report.items ?? report.step) / Double(max(1, report.step))
                parts.append("ETA " + Self.clock(Double(total - report.step) * itemsPerStep / rate))
            }
        }
        for (name, value) in report.scalars {
            parts.append(name == "learning_rate" ? "lr " + String(format: "%.3g", value) : "\(name) " + String(format: "%.4g", value))
        }
        return parts.joined(separator: isTerminal ? " " : " | ")
    }

    /// Items (or steps) per second since the first report; nil until time has passed.
    private func rate(at report: ProgressReport) -> Double? {
        guard let first else { return nil }
        let seconds = report.date.timeIntervalSince(first.date)
        guard seconds > 0 else { return nil }
        return Double((report.items ?? report.step) - first.items) / seconds
    }

    /// Seconds as H:MM:SS.
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 1e8 else { return "-:--:--" }
        let total = Int(seconds.rounded(.up))
        return String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    }
}
