import Foundation
import TAOTensor

/// Reading BERT weights from a Hugging Face `model.safetensors` into a module with Hugging Face names.
public enum BertCheckpoint {
    /// File tensors never loaded: the position-id buffer, and the pretraining heads of `BertForPreTraining`
    /// checkpoints (`cls.*`).
    public static func isIgnored(_ name: String) -> Bool {
        name.hasSuffix("embeddings.position_ids") || name.hasPrefix("cls.")
    }

    /// The file's tensor names as the model spells them: a leading `prefix` (e.g. `bert.`, as in
    /// `BertForSequenceClassification` checkpoints) removed, ignored tensors left out. Keys: model names, values: file names.
    public static func modelNames(in file: SafetensorsFile, stripping prefix: String = "bert.") -> [String: String] {
        var names: [String: String] = [:]
        for key in file.entries.keys where !isIgnored(key) {
            names[key.hasPrefix(prefix) ? String(key.dropFirst(prefix.count)) : key] = key
        }
        return names
    }

    /// Copies every parameter of `model` from the safetensors file at `path` (float32, float16 or bfloat16),
    /// accepting names with or without a `bert.` prefix. Checks everything before changing anything and throws
    /// naming the missing tensors, the tensors the model does not have, or the first shape mismatch.
    public static func load(from path: String, into model: any Module) throws {
        let file = try open(path)
        let names = modelNames(in: file)
        let state = model.stateTensors()
        let missing = state.map(\.0).filter { names[$0] == nil }
        if !missing.isEmpty { throw BertError.missingTensors(path: path, names: missing) }
        let expected = Set(state.map(\.0))
        let unknown = names.keys.filter { !expected.contains($0) }.sorted()
        if !unknown.isEmpty { throw BertError.unknownTensors(path: path, names: unknown) }
        for (name, tensor) in state {
            guard let key = names[name], let entry = file.entries[key] else { continue }
            if entry.shape != tensor.shape {
                throw BertError.tensorMismatch(path: path, name: key, found: "shape \(entry.shape)", expected: "shape \(tensor.shape)")
            }
            if !["F32", "F16", "BF16"].contains(entry.dtype) {
                throw BertError.tensorMismatch(path: path, name: key, found: "dtype \(entry.dtype)", expected: "F32, F16 or BF16")
            }
        }
        for (name, tensor) in state {
            guard let key = names[name] else { continue }
            let loaded: Tensor
            do { loaded = try file.widenedTensor(key) } catch { throw BertError.unreadableFile(path: path, reason: "\(error)") }
            tensor.assign(loaded)
        }
    }

    /// Opens a safetensors file, turning its errors into `BertError`s.
    static func open(_ path: String) throws -> SafetensorsFile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw BertError.unreadableFile(path: path, reason: "no such file")
        }
        do {
            return try SafetensorsFile(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BertError.unreadableFile(path: path, reason: "\(error)")
        }
    }
}

extension Tensor {
    /// Overwrites this (contiguous) tensor's values with `source`'s, which has the same shape; no gradient.
    public func assign(_ source: Tensor) {
        precondition(source.shape == shape && isContiguous, "assign: \(source.shape) into \(shape)")
        let values = source.contiguous()
        pointer.update(from: values.pointer, count: count)
        withExtendedLifetime(values) {}
    }
}
