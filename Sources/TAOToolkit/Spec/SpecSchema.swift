/// The type a spec key accepts.
public indirect enum SpecType: Sendable {
    case int
    /// A real number; integers are accepted and widened.
    case float
    case bool
    /// Any scalar, kept as its text.
    case string
    /// A string from a fixed set of names.
    case choice([String])
    case list(SpecType)
    /// A block with known keys.
    case section(SpecSection)
    /// A block whose keys are free (e.g. a label map), each value of one type.
    case dictionary(SpecType)
    /// Any YAML value, typed by YAML's own rules.
    case any

    /// How the type reads in an error message ("an integer", "a list of numbers").
    public var phrase: String {
        switch self {
        case .int: "an integer"
        case .float: "a number"
        case .bool: "a boolean (true or false)"
        case .string: "a string"
        case let .choice(names): "one of " + names.joined(separator: ", ")
        case let .list(element): "a list of " + element.plural
        case .section: "a block of keys"
        case let .dictionary(value): "a map of names to " + value.plural
        case .any: "a value"
        }
    }

    var plural: String {
        switch self {
        case .int: "integers"
        case .float: "numbers"
        case .bool: "booleans"
        case .string: "strings"
        case .choice: "names (\(phrase))"
        case let .list(element): "lists of " + element.plural
        case .section: "blocks"
        case .dictionary: "maps"
        case .any: "values"
        }
    }
}

/// One key of a spec block: its name, type, default and the comment `download_specs` writes above it.
public struct SpecField: Sendable {
    public let name: String
    public let type: SpecType
    /// The default; `.missing` marks a key the user must set (`???`).
    public let defaultValue: SpecValue
    /// Whether `null` is accepted.
    public let nullable: Bool
    /// The numbers a numeric key (or each number of a list) accepts; nil accepts any finite number.
    public let bounds: SpecBounds?
    public let doc: String

    public init(_ name: String, _ type: SpecType, _ defaultValue: SpecValue, nullable: Bool = false, bounds: SpecBounds? = nil,
                doc: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.nullable = nullable || defaultValue == .null
        self.bounds = bounds
        self.doc = doc
    }
}

/// A block of keys (the whole spec, or a section such as `model.preprocessor`).
public struct SpecSection: Sendable {
    public var fields: [SpecField]

    public init(_ fields: [SpecField]) { self.fields = fields }

    public func field(_ name: String) -> SpecField? { fields.first { $0.name == name } }

    /// The block's default value, built from its fields' defaults.
    public var defaultValue: SpecValue {
        .map(SpecMap(fields.map { ($0.name, $0.defaultValue) }))
    }

    /// A copy with some fields' defaults (or whole fields) replaced, keeping their position.
    public func replacing(_ replacements: SpecField...) -> SpecSection {
        var copy = self
        for replacement in replacements {
            if let index = copy.fields.firstIndex(where: { $0.name == replacement.name }) {
                copy.fields[index] = replacement
            } else {
                copy.fields.append(replacement)
            }
        }
        return copy
    }

    /// A copy with a field's default value replaced.
    public func withDefault(_ name: String, _ value: SpecValue) -> SpecSection {
        guard let old = field(name) else { preconditionFailure("no field '\(name)' to give a default") }
        return replacing(SpecField(name, old.type, value, nullable: old.nullable, bounds: old.bounds, doc: old.doc))
    }

    /// A copy without the named fields.
    public func removing(_ names: String...) -> SpecSection {
        SpecSection(fields.filter { !names.contains($0.name) })
    }

    /// Every dotted path in this block and below, for "did you mean" suggestions.
    func allPaths(prefix: String = "") -> [String] {
        fields.flatMap { field -> [String] in
            let path = prefix.isEmpty ? field.name : prefix + "." + field.name
            if case let .section(section) = field.type { return [path] + section.allPaths(prefix: path) }
            return [path]
        }
    }
}

/// A field holding a nested block; its default is the block's default.
public func section(_ name: String, _ section: SpecSection, nullable: Bool = false, doc: String) -> SpecField {
    SpecField(name, .section(section), section.defaultValue, nullable: nullable, doc: doc)
}
