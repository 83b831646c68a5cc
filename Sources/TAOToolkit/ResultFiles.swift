// The files a subtask writes into its results folder: JSON, JSON lines, text, all atomically.
import Foundation

/// Writes a JSON object (sorted keys, pretty) atomically.
func writeJSON(_ object: [String: Any], to url: URL) throws {
    try AtomicFile.write(try serialized(object, to: url, options: [.prettyPrinted, .sortedKeys]) + Data("\n".utf8), to: url)
}

/// Writes one JSON object per line atomically.
func writeJSONLines(_ objects: [[String: Any]], to url: URL) throws {
    var data = Data()
    for object in objects {
        data += try serialized(object, to: url, options: [.sortedKeys, .withoutEscapingSlashes])
        data += Data("\n".utf8)
    }
    try AtomicFile.write(data, to: url)
}

/// Writes text atomically.
func writeText(_ text: String, to url: URL) throws {
    try AtomicFile.write(Data(text.utf8), to: url)
}

private func serialized(_ object: [String: Any], to url: URL, options: JSONSerialization.WritingOptions) throws -> Data {
    do { return try JSONSerialization.data(withJSONObject: object, options: options) } catch {
        throw TaskError.cannotWrite(path: url.path, reason: error.localizedDescription)
    }
}

extension RunRecorder {
    /// A file a subtask writes: `name` inside the results folder, or `name` itself when absolute, whose folder is
    /// made now (not after hours of training). `key` is the spec key that named it, for the error when `name` is
    /// empty or a folder.
    func resultsFile(_ name: String, key: String) throws -> URL {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, !name.hasSuffix("/") else {
            throw SpecError.invalid(path: key, reason: "'\(name)' is not a file name (e.g. model.tao)")
        }
        let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : resultsDir.appendingPathComponent(name)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw SpecError.invalid(path: key, reason: "\(url.path) is a folder; give a file name (e.g. model.tao)")
        }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw TaskError.cannotWrite(path: url.path, reason: AtomicFile.describe(error))
        }
        return url
    }
}
