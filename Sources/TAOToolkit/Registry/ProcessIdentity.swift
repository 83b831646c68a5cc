import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who runs a job: host name, process id and the process's start time, so a later reader can tell
/// whether that very process is still alive (a pid alone may have been reused by another program).
public struct ProcessIdentity: Sendable, Equatable {
    public var host: String
    public var pid: Int32
    /// Start time of the process in clock ticks after boot (field 22 of `/proc/<pid>/stat`); nil where unknown.
    public var startTicks: Int64?

    public init(host: String, pid: Int32, startTicks: Int64?) {
        self.host = host
        self.pid = pid
        self.startTicks = startTicks
    }

    /// The current process.
    public static func current() -> ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(host: currentHost(), pid: pid, startTicks: procStat(pid: pid)?.startTicks)
    }

    /// This machine's host name, from `gethostname` (no DNS look-up, which can hang on a badly configured network).
    public static func currentHost() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether the process is gone: true only when it runs on this host and either no process has its pid,
    /// the process is a zombie, or the pid now belongs to a process that started at another time.
    /// A process on another host cannot be checked and counts as alive.
    public func isKnownDead(on currentHost: String = ProcessIdentity.currentHost()) -> Bool {
        guard host == currentHost, pid > 0 else { return false }
        if let stat = Self.procStat(pid: pid) {
            if stat.state == "Z" || stat.state == "X" { return true }
            if let recorded = startTicks, recorded != stat.startTicks { return true }
            return false
        }
        // No /proc entry: on Linux the process is gone; elsewhere ask the kernel.
        if FileManager.default.fileExists(atPath: "/proc/self/stat") { return true }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// State letter and start time of a process from `/proc/<pid>/stat`, nil if it cannot be read.
    static func procStat(pid: Int32) -> (state: Character, startTicks: Int64)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // After "pid (comm)" come the fields from 3 (state) on; the command name may hold spaces or parentheses.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let ticks = Int64(fields[19]) else { return nil }
        return (state, ticks)
    }
}
