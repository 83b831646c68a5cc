import Foundation

/// tao's files in the system's temporary folder, named `tao-WHAT-PID-UUID[.EXT]` so that a later run can tell the
/// leftovers of a process that was killed (Ctrl-C, SIGKILL) before it could remove them, and remove them.
public enum TemporaryFiles {
    /// A new file name in the temporary folder.
    public static func url(_ what: String, extension ext: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tao-\(what)-\(getpid())-\(UUID().uuidString).\(ext)")
    }

    /// Removes the files and folders of ended tao processes from the temporary folder.
    public static func removeLeftovers() {
        let folder = FileManager.default.temporaryDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix("tao-") {
            if let pid = ownerProcess(name), !isRunning(pid) {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }

    /// The process id in a `tao-WHAT-PID-UUID[.EXT]` name: the field before the UUID's five.
    static func ownerProcess(_ name: String) -> Int32? {
        let fields = name.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 8, UUID(uuidString: fields.suffix(5).joined(separator: "-").prefix(36).description) != nil else { return nil }
        return Int32(fields[fields.count - 6])
    }

    /// Whether a process with this id is alive (another user's counts as alive).
    static func isRunning(_ pid: Int32) -> Bool {
        pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH
    }
}
