/// Writes a spec tree as YAML with a comment above every key, in the schema's key order.
enum SpecWriter {
    static func yaml(_ value: SpecValue, schema: SpecSection, header: [String]) -> String {
        var lines = header.map { "# " + $0 }
        if !lines.isEmpty { lines.append("") }
        write(value, section: schema, indent: "", comments: true, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func write(_ value: SpecValue, section: SpecSection, indent: String, comments: Bool, into lines: inout [String]) {
        guard case let .map(map) = value else { return }
        for field in section.fields {
            guard let child = map[field.name] else { continue }
            if comments {
                for line in commentLines(for: field) { lines.append(indent + "# " + line) }
            }
            writeEntry(key: field.name, value: child, type: field.type, indent: indent, comments: comments, into: &lines)
        }
    }

    private static func writeEntry(key: String, value: SpecValue, type: SpecType, indent: String, comments: Bool,
                                   into lines: inout [String]) {
        let prefix = indent + plainOrQuoted(key) + ":"
        switch (type, value) {
        case let (.section(section), .map):
            lines.append(prefix)
            write(value, section: section, indent: indent + "  ", comments: comments, into: &lines)
        case let (.list(.section(item)), .list(items)) where !items.isEmpty:
            lines.append(prefix)
            for (index, element) in items.enumerated() {
                var itemLines: [String] = []
                // The first item shows every key with its comment; later ones only what differs from the defaults.
                let shown = index == 0 ? element : compact(element, defaults: item)
                write(shown, section: item, indent: indent + "    ", comments: comments && index == 0, into: &itemLines)
                if let first = itemLines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }) {
                    let text = itemLines[first].dropFirst(indent.count + 4)
                    itemLines[first] = indent + "  - " + text
                }
                lines += itemLines
            }
        case let (_, .map(map)) where !map.entries.isEmpty:
            lines.append(prefix)
            for entry in map.entries {
                writeEntry(key: entry.key, value: entry.value, type: .any, indent: indent + "  ", comments: false, into: &lines)
            }
        default:
            lines.append(prefix + " " + flow(value))
        }
    }

    private static func compact(_ value: SpecValue, defaults section: SpecSection) -> SpecValue {
        guard case let .map(map) = value, case let .map(defaults) = section.defaultValue else { return value }
        return .map(SpecMap(map.entries.filter { entry in
            defaults[entry.key] == .missing || defaults[entry.key] != entry.value
        }))
    }

    private static func commentLines(for field: SpecField) -> [String] {
        var doc = field.doc
        if field.defaultValue == .missing {
            doc += " Required: \(field.type.phrase)."
        } else if field.defaultValue == .null {
            doc += " Optional: \(field.type.phrase), or null."
        }
        return doc.split(separator: "\n").map(String.init)
    }

    /// A value in YAML flow style: scalars, `[a, b]`, `{k: v}`.
    static func flow(_ value: SpecValue) -> String {
        switch value {
        case .null: "null"
        case .missing: "???"
        case let .bool(bool): bool ? "true" : "false"
        case let .int(int): String(int)
        case let .float(float): float.isFinite ? "\(float)" : (float.isNaN ? ".nan" : (float > 0 ? ".inf" : "-.inf"))
        case let .string(string): plainOrQuoted(string)
        case let .list(items): "[" + items.map(flow).joined(separator: ", ") + "]"
        case let .map(map): "{" + map.entries.map { plainOrQuoted($0.key) + ": " + flow($0.value) }.joined(separator: ", ") + "}"
        }
    }

    /// A string as a plain YAML scalar when that reads back as the same string, else double-quoted.
    static func plainOrQuoted(_ string: String) -> String {
        if isInterpolation(string) { return string }
        let special = Set(":#{}[],&*!|>'\"%@`\\")
        let needsQuotes = string.isEmpty
            || string.contains(where: { special.contains($0) || $0.isNewline || !$0.isASCII })
            || string.first == " " || string.last == " " || string.first == "-" || string.first == "?"
            || SpecResolver.isNull(string) || string == "???"
            || SpecResolver.yamlTyped(.string(string)) != .string(string)
        guard needsQuotes else { return string }
        var escaped = ""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"" + escaped + "\""
    }

    private static func isInterpolation(_ string: String) -> Bool {
        string.hasPrefix("${") && string.hasSuffix("}") && !string.dropFirst(2).contains("{")
            && !string.contains(" ") && !string.contains(":") && !string.contains(",")
    }
}
