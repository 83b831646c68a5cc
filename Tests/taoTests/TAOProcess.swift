import Foundation

/// Runs the built `tao` executable, as a user would, and captures what it prints.
struct TAOProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The `tao` binary next to the test bundle in the build folder.
    static var executable: URL {
        var directory = Bundle.main.bundleURL
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("tao").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("tao")
    }

    /// Runs `tao arguments...` with extra environment variables and waits for it; `whileRunning` gets the process
    /// once it has started (to signal it, say) and the file its standard output goes to.
    static func run(_ arguments: [String], environment: [String: String] = [:],
                    whileRunning: (Process, _ stdout: URL) throws -> Void = { _, _ in }) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // Output goes to files, not pipes: Foundation's pipe reads crash on EINTR, which the SIGCHLDs of
        // processes other tests start at the same time can cause.
        let folder = temporaryDirectory("output")
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("stdout"), errURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        do {
            try whileRunning(process, outURL)
        } catch {
            process.terminate()
            process.waitUntilExit()
            throw error
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(status: process.terminationStatus, stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// Starts `tao arguments...` without waiting (output discarded), for tests that interrupt it.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A fresh temporary folder.
    static func temporaryDirectory(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tao-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The bytes of member `name` of an uncompressed tar file (ustar headers: name at 0, octal size at 124).
func tarMember(_ name: String, of url: URL) throws -> Data? {
    let tar = try Data(contentsOf: url)
    var offset = 0
    while offset + 512 <= tar.count {
        let header = tar[tar.startIndex + offset..<tar.startIndex + offset + 512]
        let memberName = String(decoding: header.prefix(100).prefix { $0 != 0 }, as: UTF8.self)
        if memberName.isEmpty { return nil }
        let sizeField = String(decoding: header.dropFirst(124).prefix(12).prefix { $0 != 0 && $0 != 32 }, as: UTF8.self)
        guard let size = Int(sizeField, radix: 8) else { return nil }
        if memberName == name { return tar.subdata(in: tar.startIndex + offset + 512..<tar.startIndex + offset + 512 + size) }
        offset += 512 + (size + 511) / 512 * 512
    }
    return nil
}
