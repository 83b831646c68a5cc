/// Errors of TAOTensor that depend on files or user input (shape mismatches between tensors are
/// programmer errors and stop with a precondition instead).
public enum TensorError: Error, CustomStringConvertible, Equatable {
    case unreadableFile(path: String, reason: String)
    case malformedSafetensors(path: String, reason: String)
    case unknownKeys(path: String, keys: [String])
    case missingKeys(path: String, keys: [String])
    case wrongDType(path: String, key: String, found: String, expected: String)
    case wrongShape(path: String, key: String, found: [Int], expected: [Int])
    case unwritableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            "\(path): cannot read (\(reason))"
        case let .malformedSafetensors(path, reason):
            "\(path): not a valid safetensors file: \(reason) (re-export it with Python's safetensors)"
        case let .unknownKeys(path, keys):
            "\(path): tensors the model does not have: \(keys.joined(separator: ", ")) (check the architecture or load non-strictly)"
        case let .missingKeys(path, keys):
            "\(path): tensors the model needs are missing: \(keys.joined(separator: ", ")) (check the architecture or the checkpoint)"
        case let .wrongDType(path, key, found, expected):
            "\(path): '\(key)' has dtype \(found), expected \(expected) (convert the checkpoint to float32)"
        case let .wrongShape(path, key, found, expected):
            "\(path): '\(key)' has shape \(found), expected \(expected) (the checkpoint is for a different configuration)"
        case let .unwritableFile(path, reason):
            "\(path): cannot write (\(reason))"
        }
    }
}
