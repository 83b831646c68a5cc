import Foundation

/// A typed value in a spec tree: what a YAML spec means once checked against its schema.
public indirect enum SpecValue: Equatable, Sendable {
    case null
    /// `???` in a default spec: a value the user must give.
    case missing
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list([SpecValue])
    case map(SpecMap)

    /// The value at a dotted path below this one (`model.preprocessor.features`), if any.
    public subscript(path path: [String]) -> SpecValue? {
        var node = self
        for key in path {
            switch node {
            case let .map(map):
                guard let next = map[key] else { return nil }
                node = next
            case let .list(items):
                guard let index = Int(key), items.indices.contains(index) else { return nil }
                node = items[index]
            default:
                return nil
            }
        }
        return node
    }

    /// An integer or a real number as a Double; nil for other values.
    var number: Double? {
        switch self {
        case let .int(value): Double(value)
        case let .float(value): value
        default: nil
        }
    }

    /// The value as a plain Swift/Foundation object, for JSON encoding.
    var plain: Any {
        switch self {
        case .null, .missing: return NSNull()
        case let .bool(value): return value
        case let .int(value): return value
        case let .float(value): return value
        case let .string(value): return value
        case let .list(items): return items.map(\.plain)
        case let .map(map): return Dictionary(uniqueKeysWithValues: map.entries.map { ($0.key, $0.value.plain) })
        }
    }

    /// A short rendering for error messages.
    public var summary: String {
        switch self {
        case .null: "null"
        case .missing: "???"
        case let .bool(value): "\(value)"
        case let .int(value): "\(value)"
        case let .float(value): "\(value)"
        case let .string(value): value
        case let .list(items): "[" + items.map(\.summary).joined(separator: ", ") + "]"
        case .map: "{...}"
        }
    }
}

/// An ordered string-keyed map: specs keep the order their keys were written in.
public struct SpecMap: Equatable, Sendable {
    public private(set) var entries: [(key: String, value: SpecValue)] = []

    public init(_ entries: [(key: String, value: SpecValue)] = []) {
        for entry in entries { self[entry.key] = entry.value }
    }

    public var keys: [String] { entries.map(\.key) }

    public subscript(key: String) -> SpecValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    public static func == (lhs: SpecMap, rhs: SpecMap) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
