import TAOToolkit

/// A command line that names something that does not exist (exit code 2).
struct UsageError: Error, CustomStringConvertible {
    let kind: String
    let name: String
    let valid: [String]
    let context: String

    static func unknownName(kind: String, name: String, valid: [String], context: String) -> UsageError {
        UsageError(kind: kind, name: name, valid: valid, context: context)
    }

    var description: String {
        let suggestion = Suggestions.nearest(to: name, in: valid).map { "did you mean \($0)? " } ?? ""
        return "\(context): unknown \(kind) '\(name)' (\(suggestion)valid: \(valid.joined(separator: ", ")))"
    }
}
