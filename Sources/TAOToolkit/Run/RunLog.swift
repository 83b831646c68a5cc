import Foundation

/// `<results>/<subtask>.log`: one timestamped line per message, appended and written through at once,
/// so the log survives a crash up to its last line.
public final class RunLog {
    public let url: URL
    private let handle: FileHandle
    private let formatter: DateFormatter

    public init(url: URL) throws {
        self.url = url
        // O_APPEND: every line lands at the end, whatever else has written the file meanwhile.
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunRecordError.cannotWrite(path: url.path, reason: "cannot open the log file for writing: \(String(cString: strerror(errno)))")
        }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
    }

    deinit { try? handle.close() }

    /// Appends `[date] LEVEL message`; each line of a multi-line message gets its own stamp.
    public func write(_ message: String, level: String = "INFO", date: Date = Date()) throws {
        let stamp = formatter.string(from: date)
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "[\(stamp)] \(level) \($0)\n" }.joined()
        do {
            try handle.write(contentsOf: Data(lines.utf8))
        } catch {
            throw RunRecordError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }
}
