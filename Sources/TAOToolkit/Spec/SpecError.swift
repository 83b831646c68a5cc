/// Where a spec value came from, for error messages.
public enum SpecOrigin: Equatable, Sendable, CustomStringConvertible {
    /// A spec file, at a 1-based line and column when known.
    case file(path: String, line: Int?, column: Int?)
    /// A command-line override `a.b.c=value`.
    case override(String)
    /// The built-in defaults.
    case defaults

    public var description: String {
        switch self {
        case let .file(path, line?, column?): "\(path):\(line):\(column)"
        case let .file(path, _, _): path
        case let .override(text): "override '\(text)'"
        case .defaults: "default spec"
        }
    }
}

/// A problem with a spec file or an override; each names the key path and what was expected.
public enum SpecError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case syntax(path: String, line: Int, column: Int, problem: String)
    case notABlock(origin: SpecOrigin, path: String)
    case unknownKey(origin: SpecOrigin, path: String, suggestion: String?)
    case wrongType(origin: SpecOrigin, path: String, value: String, expected: String)
    case missingValue(path: String)
    case badOverride(text: String, reason: String)
    case unresolvedReference(path: String, reference: String)
    case referenceCycle(path: String, cycle: [String])
    case invalid(path: String, reason: String)
    /// Several problems found in one pass; each is reported.
    case several([SpecError])

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            "\(path): cannot read the spec: \(reason)"
        case let .syntax(path, line, column, problem):
            "\(path):\(line):\(column): YAML syntax error: \(problem)"
        case let .notABlock(origin, path):
            "\(origin): '\(path.isEmpty ? "<top>" : path)' must be a block of 'key: value' lines"
        case let .unknownKey(origin, path, suggestion):
            "\(origin): unknown key '\(path)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        case let .wrongType(origin, path, value, expected):
            "\(origin): '\(path)': '\(value)' is not \(expected)"
        case let .missingValue(path):
            "'\(path)' needs a value (it is ??? in the defaults; set it in the spec or add \(path)=VALUE)"
        case let .badOverride(text, reason):
            "override '\(text)': \(reason) (expected a.b.c=value)"
        case let .unresolvedReference(path, reference):
            "'\(path)': the interpolation ${\(reference)} names no key"
        case let .referenceCycle(path, cycle):
            "'\(path)': interpolation cycle " + cycle.joined(separator: " -> ")
        case let .invalid(path, reason):
            "'\(path)': \(reason)"
        case let .several(errors):
            errors.map(\.description).joined(separator: "\n")
        }
    }

    /// The individual problems, flattening `several`.
    public var all: [SpecError] {
        if case let .several(errors) = self { return errors.flatMap(\.all) }
        return [self]
    }
}
