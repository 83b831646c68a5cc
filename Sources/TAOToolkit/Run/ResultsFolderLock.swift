import Foundation

/// Keeps a results folder to one tao process at a time: two runs in one folder would resume each other's
/// checkpoints and overwrite each other's models and logs. An advisory lock (`flock`) on `.tao.lock` in the folder,
/// held while the object lives; the system releases it when the process ends, however it ends. The file holds the
/// owner's process id, for the message the next run gets.
public final class ResultsFolderLock {
    private let descriptor: Int32

    /// Takes the lock of `folder`, which exists.
    /// - Throws: `RunRecordError.folderInUse` while another process holds it; `cannotWrite` when the lock file
    ///   cannot be made.
    public init(folder: URL) throws {
        let url = folder.appendingPathComponent(".tao.lock")
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RunRecordError.cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let owner = Self.owner(descriptor)
            close(descriptor)
            throw RunRecordError.folderInUse(path: folder.path, process: owner)
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(descriptor) }

    /// "process N" as the lock file names it, or "its process id is not known".
    private static func owner(_ descriptor: Int32) -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        let text = String(decoding: bytes.prefix(max(count, 0)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text).map { "process \($0)" } ?? "its process id is not known"
    }
}
