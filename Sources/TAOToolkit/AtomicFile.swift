import Foundation

/// Writes files so that a reader sees the old contents or the new, never a part: the new file is made beside the
/// target under a temporary name, flushed, then renamed over the target. A symlink stays a link (its target is
/// replaced) and a file keeps its permissions. Failures are `TaskError.cannotWrite` naming the target.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { try $0.write(contentsOf: data) }
    }

    /// Writes the file through `body`, which gets a handle to the temporary file.
    public static func write(to url: URL, _ body: (FileHandle) throws -> Void) throws {
        try replace(url) { temporary in
            let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard descriptor >= 0 else { throw TaskError.cannotWrite(path: url.path, reason: lastSystemError()) }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            defer { try? handle.close() }
            try body(handle)
            try handle.synchronize()
        }
    }

    /// Makes the file with `body`, which writes a whole file at the temporary path it is given (for writers that open
    /// their files themselves: libsndfile, SentencePiece, the ARPA writer); that file then replaces `url`.
    public static func replace(_ url: URL, by body: (URL) throws -> Void) throws {
        let target = url.resolvingSymlinksInPath()
        let temporary = target.deletingLastPathComponent().appendingPathComponent(temporaryName(for: target.lastPathComponent))
        do {
            try body(temporary)
            if let permissions = try? FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] {
                try? FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary.path)
            }
            guard rename(temporary.path, target.path) == 0 else { throw TaskError.cannotWrite(path: url.path, reason: lastSystemError()) }
            // The rename itself reaches the disk too, so a power cut after a save does not lose the saved file.
            let folder = open(target.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY)
            if folder >= 0 { fsync(folder); close(folder) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            // A file-system failure is named with the file; the writer's own errors (a bad archive member) pass on.
            let domain = (error as NSError).domain
            guard domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain else { throw error }
            throw TaskError.cannotWrite(path: url.path, reason: describe(error))
        }
    }

    /// Puts the whole folder `staging` (made beside `url`) in the place of the folder `url`. An old folder there is
    /// moved aside first and removed once the new one is in: a run killed in between leaves both whole, the old one
    /// under a temporary name.
    public static func replaceFolder(_ url: URL, with staging: URL) throws {
        let aside = url.deletingLastPathComponent().appendingPathComponent(temporaryName(for: url.lastPathComponent))
        let hadOld = FileManager.default.fileExists(atPath: url.path)
        if hadOld, rename(url.path, aside.path) != 0 { throw TaskError.cannotWrite(path: url.path, reason: lastSystemError()) }
        guard rename(staging.path, url.path) == 0 else {
            let reason = lastSystemError()
            if hadOld { rename(aside.path, url.path) }
            throw TaskError.cannotWrite(path: url.path, reason: reason)
        }
        if hadOld { try? FileManager.default.removeItem(at: aside) }
    }

    /// `.NAME.PID.RANDOM.tmp`, NAME cut so that a name the file system takes leaves room for the rest; the
    /// process id lets a later run tell a leftover of a dead process (`isLeftover`).
    static func temporaryName(for name: String) -> String {
        var stem = name
        while stem.utf8.count > 180 { stem.removeLast() }
        return ".\(stem).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    /// Whether `name` is a temporary file of `temporaryName` left by a process that has ended.
    static func isLeftover(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard name.hasPrefix("."), parts.count >= 5, parts.last == "tmp", let pid = Int32(parts[parts.count - 3]) else { return false }
        return !TemporaryFiles.isRunning(pid)
    }

    /// Removes the files that interrupted writes left in `folder` (see `isLeftover`). Folders are left alone: one
    /// may be the only copy of what `replaceFolder` was replacing.
    public static func removeLeftovers(in folder: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where isLeftover(name) {
            let url = folder.appendingPathComponent(name)
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { try? FileManager.default.removeItem(at: url) }
        }
    }

    /// The reason of a failed file operation: the system's words for its errno when there is one.
    static func describe(_ error: Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        return error.localizedDescription
    }

    private static func lastSystemError() -> String { String(cString: strerror(errno)) }
}
