/// Errors of the BERT model side of TAONLP (configurations, checkpoints, pretrained folders). Each case names the
/// file and the key or tensor at fault, and says what to do.
public enum BertError: Error, CustomStringConvertible, Equatable {
    /// A file could not be read or written.
    case unreadableFile(path: String, reason: String)
    /// A configuration file is not a JSON object.
    case malformedConfig(path: String, reason: String)
    /// A required configuration key is absent.
    case missingConfigKey(path: String, key: String)
    /// A configuration key holds a value of the wrong type or out of range.
    case badConfigValue(path: String, key: String, value: String, expected: String)
    /// A configuration whose sizes multiply to more weights than tao will allocate (`parameters` nil: past Int.max).
    case configTooLarge(path: String, parameters: Int?, limit: Int)
    /// Checkpoint tensors the model needs are absent.
    case missingTensors(path: String, names: [String])
    /// Checkpoint tensors the model does not have.
    case unknownTensors(path: String, names: [String])
    /// A checkpoint tensor has another shape (or dtype) than the model's.
    case tensorMismatch(path: String, name: String, found: String, expected: String)
    /// An option passed to a model builder is unusable.
    case badOption(name: String, value: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            "\(path): cannot read or write (\(reason))"
        case let .malformedConfig(path, reason):
            "\(path): not a BERT config.json: \(reason) (use the config.json saved with the checkpoint)"
        case let .missingConfigKey(path, key):
            "\(path): key '\(key)' is missing (add it; Hugging Face BertConfig names)"
        case let .badConfigValue(path, key, value, expected):
            "\(path): '\(key)' is \(value), expected \(expected) (fix the value)"
        case let .configTooLarge(path, parameters, limit):
            "\(path): the sizes make \(parameters.map(String.init) ?? "more than \(Int.max)") parameters, expected at most \(limit) "
                + "(lower vocab_size, hidden_size, intermediate_size or num_hidden_layers)"
        case let .missingTensors(path, names):
            "\(path): tensors the model needs are missing: \(Self.list(names)) (check that the checkpoint is a BERT of this configuration)"
        case let .unknownTensors(path, names):
            "\(path): tensors the model does not have: \(Self.list(names)) (check the architecture, or the config.json beside it)"
        case let .tensorMismatch(path, name, found, expected):
            "\(path): '\(name)' is \(found), expected \(expected) (the checkpoint is for another configuration)"
        case let .badOption(name, value, reason):
            "\(name) = \(value): \(reason)"
        }
    }

    /// The first names of a long list, and how many more.
    private static func list(_ names: [String]) -> String {
        names.count <= 8 ? names.joined(separator: ", ") : names.prefix(8).joined(separator: ", ") + " and \(names.count - 8) more"
    }
}
