/// Resolves `${a.b.c}` interpolations in a spec tree, as OmegaConf does for NeMo specs.
///
/// A value that is exactly one interpolation takes the referenced value whole (a number, a list, a
/// block); an interpolation inside a longer string is replaced by the referenced scalar's text.
struct Interpolator {
    private let tree: SpecValue
    private var resolving: [String] = []
    private(set) var errors: [SpecError] = []

    init(tree: SpecValue) { self.tree = tree }

    mutating func resolve() -> SpecValue { resolve(tree, path: "") }

    private mutating func resolve(_ value: SpecValue, path: String) -> SpecValue {
        switch value {
        case let .string(text) where text.contains("${"):
            return interpolate(text, path: path)
        case let .list(items):
            return .list(items.enumerated().map { resolve($1, path: SpecResolver.join(path, "\($0)")) })
        case let .map(map):
            return .map(SpecMap(map.entries.map { ($0.key, resolve($0.value, path: SpecResolver.join(path, $0.key))) }))
        default:
            return value
        }
    }

    private mutating func interpolate(_ text: String, path: String) -> SpecValue {
        let references = Self.references(in: text)
        if references.count == 1, let only = references.first, only.range == text.startIndex..<text.endIndex {
            return value(of: only.name, from: path) ?? .string(text)
        }
        var result = ""
        var cursor = text.startIndex
        for reference in references {
            result += text[cursor..<reference.range.lowerBound]
            result += value(of: reference.name, from: path)?.summary ?? String(text[reference.range])
            cursor = reference.range.upperBound
        }
        result += text[cursor...]
        return .string(result)
    }

    /// The resolved value a reference names, or nil (with an error) when it names nothing or loops.
    private mutating func value(of reference: String, from path: String) -> SpecValue? {
        let components = SpecResolver.taoPath(reference.split(separator: ".").map(String.init))
        let target = components.joined(separator: ".")
        if let start = resolving.firstIndex(of: target) {
            errors.append(.referenceCycle(path: path, cycle: Array(resolving[start...]) + [target]))
            return nil
        }
        guard let raw = tree[path: components] else {
            errors.append(.unresolvedReference(path: path, reference: reference))
            return nil
        }
        resolving.append(target)
        defer { resolving.removeLast() }
        return resolve(raw, path: target)
    }

    /// The `${name}` references in a string, in order.
    static func references(in text: String) -> [(name: String, range: Range<String.Index>)] {
        var found: [(String, Range<String.Index>)] = []
        var search = text.startIndex
        while let open = text.range(of: "${", range: search..<text.endIndex),
              let close = text.range(of: "}", range: open.upperBound..<text.endIndex) {
            let name = text[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            found.append((name, open.lowerBound..<close.upperBound))
            search = close.upperBound
        }
        return found
    }
}
