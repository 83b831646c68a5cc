import Yams

/// A YAML value as written, before it is checked against a schema: scalars keep their text,
/// every node remembers where it came from.
indirect enum RawNode {
    case scalar(String, quoted: Bool, origin: SpecOrigin)
    case list([RawNode], origin: SpecOrigin)
    case map([(key: String, value: RawNode, origin: SpecOrigin)], origin: SpecOrigin)

    var origin: SpecOrigin {
        switch self {
        case let .scalar(_, _, origin), let .list(_, origin), let .map(_, origin): origin
        }
    }

    /// The text of a scalar as the user wrote it, or a short rendering of a block.
    var text: String {
        switch self {
        case let .scalar(text, _, _): text
        case let .list(items, _): "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .map: "{...}"
        }
    }

    /// Parses YAML text; `path` names the file in errors. An empty document is an empty block.
    static func parse(yaml: String, path: String) throws -> RawNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml, Resolver.basic)
        } catch let error as YamlError {
            throw syntaxError(error, path: path)
        } catch {
            throw SpecError.unreadable(path: path, reason: "\(error)")
        }
        guard let node else { return .map([], origin: .file(path: path, line: 1, column: 1)) }
        var budget = maximumValues
        return try convert(node, path: path, budget: &budget)
    }

    /// The most values (scalars, lists and blocks) a spec may hold once YAML aliases are expanded: a default spec
    /// has a few hundred, and nested aliases ("billion laughs") would otherwise expand without end.
    static let maximumValues = 100_000

    /// Parses the value part of an override (`[1,2]`, `'quoted'`, `null`, `0.5`).
    static func parseOverrideValue(_ text: String, override: String) throws -> RawNode {
        let origin = SpecOrigin.override(override)
        if text.isEmpty { return .scalar("", quoted: true, origin: origin) }
        do {
            guard let node = try Yams.compose(yaml: text, Resolver.basic) else {
                return .scalar("", quoted: true, origin: origin)
            }
            var budget = maximumValues
            return try convert(node, path: override, budget: &budget).relabelled(origin)
        } catch let error as SpecError {
            throw error
        } catch {
            // Not YAML on its own (e.g. "a: b"): take it as a plain string.
            return .scalar(text, quoted: true, origin: origin)
        }
    }

    private func relabelled(_ origin: SpecOrigin) -> RawNode {
        switch self {
        case let .scalar(text, quoted, _): .scalar(text, quoted: quoted, origin: origin)
        case let .list(items, _): .list(items.map { $0.relabelled(origin) }, origin: origin)
        case let .map(entries, _): .map(entries.map { ($0.key, $0.value.relabelled(origin), origin) }, origin: origin)
        }
    }

    private static func convert(_ node: Node, path: String, budget: inout Int) throws -> RawNode {
        let origin = SpecOrigin.file(path: path, line: node.mark?.line, column: node.mark?.column)
        budget -= 1
        guard budget >= 0 else {
            throw SpecError.syntax(path: path, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0,
                                   problem: "the spec expands to more than \(maximumValues) values (aliases nested in aliases?)")
        }
        switch node {
        case let .scalar(scalar):
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
                || scalar.style == .literal || scalar.style == .folded
            return .scalar(scalar.string, quoted: quoted, origin: origin)
        case let .sequence(sequence):
            return .list(try sequence.map { try convert($0, path: path, budget: &budget) }, origin: origin)
        case let .mapping(mapping):
            var entries: [(key: String, value: RawNode, origin: SpecOrigin)] = []
            for (key, value) in mapping {
                guard case let .scalar(keyScalar) = key else {
                    throw SpecError.syntax(path: path, line: key.mark?.line ?? 0, column: key.mark?.column ?? 0,
                                           problem: "a key must be a plain name")
                }
                if entries.contains(where: { $0.key == keyScalar.string }) {
                    throw SpecError.syntax(path: path, line: key.mark?.line ?? 0, column: key.mark?.column ?? 0,
                                           problem: "key '\(keyScalar.string)' appears twice in the same block")
                }
                let keyOrigin = SpecOrigin.file(path: path, line: key.mark?.line, column: key.mark?.column)
                entries.append((keyScalar.string, try convert(value, path: path, budget: &budget), keyOrigin))
            }
            return .map(entries, origin: origin)
        case let .alias(alias):
            throw SpecError.syntax(path: path, line: alias.mark?.line ?? 0, column: alias.mark?.column ?? 0,
                                   problem: "YAML aliases are not supported in specs; write the value out")
        }
    }

    private static func syntaxError(_ error: YamlError, path: String) -> SpecError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let detail = context.map { "\(problem) (\($0.text) at line \($0.mark.line))" } ?? problem
            return .syntax(path: path, line: mark.line, column: mark.column, problem: detail)
        case let .duplicatedKeysInMapping(duplicates, context):
            return .syntax(path: path, line: context.mark.line, column: context.mark.column,
                           problem: "duplicated keys \(duplicates.joined(separator: ", "))")
        default:
            return .unreadable(path: path, reason: "\(error)")
        }
    }
}
