// The files a subtask writes into its results folder: JSON, JSON lines, text, all atomically.
import Foundation

/// Writes a JSON object (sorted keys, pretty) atomically.
func writeJSON(_ object: [String: Any], to url: URL) throws {
    do {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data + Data("\n".utf8), to: url)
    } catch {
        throw TaskError.cannotWrite(path: url.path, reason: error.localizedDescription)
    }
}

/// Writes one JSON object per line atomically.
func writeJSONLines(_ objects: [[String: Any]], to url: URL) throws {
    do {
        var data = Data()
        for object in objects {
            data += try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            data += Data("\n".utf8)
        }
        try AtomicFile.write(data, to: url)
    } catch {
        throw TaskError.cannotWrite(path: url.path, reason: error.localizedDescription)
    }
}

/// Writes text atomically.
func writeText(_ text: String, to url: URL) throws {
    do { try AtomicFile.write(Data(text.utf8), to: url) } catch {
        throw TaskError.cannotWrite(path: url.path, reason: error.localizedDescription)
    }
}

extension RunRecorder {
    /// A file a subtask writes: `name` inside the results folder, or `name` itself when absolute. `key` is the
    /// spec key that named it, for the error when `name` is empty or a folder.
    func resultsFile(_ name: String, key: String) throws -> URL {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, !name.hasSuffix("/") else {
            throw SpecError.invalid(path: key, reason: "'\(name)' is not a file name (e.g. model.tao)")
        }
        return name.hasPrefix("/") ? URL(fileURLWithPath: name) : resultsDir.appendingPathComponent(name)
    }
}
