import Foundation

/// `<results>/<subtask>.log`: one timestamped line per message, appended and written through at once,
/// so the log survives a crash up to its last line.
public final class RunLog {
    public let url: URL
    private let handle: FileHandle
    private let formatter: DateFormatter

    public init(url: URL) throws {
        self.url = url
        if !FileManager.default.fileExists(atPath: url.path), !FileManager.default.createFile(atPath: url.path, contents: nil) {
            throw RunRecordError.cannotWrite(path: url.path, reason: "cannot create the log file")
        }
        guard let handle = FileHandle(forWritingAtPath: url.path) else {
            throw RunRecordError.cannotWrite(path: url.path, reason: "cannot open the log file for writing")
        }
        self.handle = handle
        formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        do { try handle.seekToEnd() } catch {
            throw RunRecordError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
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
