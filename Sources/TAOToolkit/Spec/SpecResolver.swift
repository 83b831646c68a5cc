/// Builds a checked spec from a schema's defaults, a YAML file and `a.b.c=value` overrides.
///
/// The order is the one users expect from TAO/NeMo: defaults, then the file, then the overrides; then
/// `${a.b}` interpolations are resolved, every value is checked against its key's type, and keys still
/// `???` are reported. All problems found are reported together.
struct SpecResolver {
    let schema: SpecSection
    private var tree: SpecValue
    private var origins: [String: SpecOrigin] = [:]
    private var errors: [SpecError] = []

    /// NeMo keeps datasets and the optimizer under `model`; TAO keeps them at the top. Both are accepted.
    static let nemoLayout: [(nemo: String, tao: String)] = [
        ("model.train_ds", "training_ds"), ("model.validation_ds", "validation_ds"),
        ("model.test_ds", "test_ds"), ("model.optim", "optim"),
    ]

    init(schema: SpecSection) {
        self.schema = schema
        self.tree = schema.defaultValue
    }

    /// Merges a parsed spec file over the current values.
    mutating func apply(file raw: RawNode) {
        tree = merge(normalizedLayout(raw), into: tree, type: .section(schema), path: "")
    }

    /// Applies one `a.b.c=value` override.
    mutating func apply(override text: String) {
        guard let equals = text.firstIndex(of: "=") else {
            errors.append(.badOverride(text: text, reason: "there is no '='"))
            return
        }
        let key = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        let valueText = String(text[text.index(after: equals)...])
        var components = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !key.isEmpty, !components.contains(where: \.isEmpty) else {
            errors.append(.badOverride(text: text, reason: "'\(key)' is not a dotted key path"))
            return
        }
        components = Self.taoPath(components)
        let raw: RawNode
        do {
            raw = try RawNode.parseOverrideValue(valueText, override: text)
        } catch {
            errors.append(.badOverride(text: text, reason: "\(error)"))
            return
        }
        tree = set(raw, at: components[...], in: tree, type: .section(schema), path: "", override: text)
    }

    /// Resolves interpolations, checks every value and returns the finished tree.
    /// - Parameter requireAll: report keys still `???` (off only to read back a default spec).
    mutating func finish(requireAll: Bool = true) throws -> SpecValue {
        var interpolator = Interpolator(tree: tree)
        let resolved = interpolator.resolve()
        errors += interpolator.errors
        let checked = conform(resolved, to: .section(schema), path: "", nullable: false)
        if requireAll { reportMissing(checked, path: "") }
        if errors.count == 1 { throw errors[0] }
        if errors.count > 1 { throw SpecError.several(errors) }
        return checked
    }

    // MARK: Layout

    /// Rewrites a NeMo-layout path (`model.train_ds.batch_size`) to TAO's (`training_ds.batch_size`).
    static func taoPath(_ components: [String]) -> [String] {
        let dotted = components.joined(separator: ".")
        for (nemo, tao) in nemoLayout where dotted == nemo || dotted.hasPrefix(nemo + ".") {
            return tao.split(separator: ".").map(String.init) + components.dropFirst(nemo.split(separator: ".").count)
        }
        return components
    }

    private func normalizedLayout(_ raw: RawNode) -> RawNode {
        guard case .map(var top, let origin) = raw,
              let modelIndex = top.firstIndex(where: { $0.key == "model" }),
              case .map(var model, let modelOrigin) = top[modelIndex].value else { return raw }
        for (nemo, tao) in Self.nemoLayout {
            let nemoKey = String(nemo.dropFirst("model.".count))
            guard schema.field(tao) != nil, let index = model.firstIndex(where: { $0.key == nemoKey }),
                  !top.contains(where: { $0.key == tao }) else { continue }
            top.append((tao, model[index].value, model[index].origin))
            model.remove(at: index)
        }
        top[modelIndex].value = .map(model, origin: modelOrigin)
        return .map(top, origin: origin)
    }

    // MARK: Merging

    private mutating func merge(_ raw: RawNode, into value: SpecValue, type: SpecType, path: String) -> SpecValue {
        origins[path] = raw.origin
        switch type {
        case let .section(section):
            if case let .scalar(text, false, _) = raw, Self.isNull(text) { return .null }
            guard case let .map(entries, _) = raw else {
                errors.append(.notABlock(origin: raw.origin, path: path))
                return value
            }
            var map: SpecMap
            if case let .map(existing) = value { map = existing } else if case let .map(defaults) = section.defaultValue {
                map = defaults
            } else { map = SpecMap() }
            for entry in entries {
                if entry.key == "_target_" { continue }  // NeMo class paths: tao picks the implementation itself.
                let childPath = Self.join(path, entry.key)
                guard let field = section.field(entry.key) else {
                    errors.append(.unknownKey(origin: entry.origin, path: childPath,
                                              suggestion: suggestion(for: entry.key, in: section, under: path)))
                    continue
                }
                map[entry.key] = merge(entry.value, into: map[entry.key] ?? field.defaultValue, type: field.type, path: childPath)
            }
            return .map(map)
        case let .list(.section(itemSection)):
            guard case let .list(items, _) = raw else { return literal(raw) }
            return .list(items.enumerated().map { index, item in
                merge(item, into: itemSection.defaultValue, type: .section(itemSection), path: Self.join(path, "\(index)"))
            })
        default:
            return literal(raw)
        }
    }

    private mutating func set(_ raw: RawNode, at components: ArraySlice<String>, in value: SpecValue,
                              type: SpecType, path: String, override: String) -> SpecValue {
        guard let key = components.first else { return merge(raw, into: value, type: type, path: path) }
        let childPath = Self.join(path, key)
        switch (type, value) {
        case let (.section(section), .map(map)):
            guard let field = section.field(key) else {
                errors.append(.unknownKey(origin: .override(override), path: childPath,
                                          suggestion: suggestion(for: key, in: section, under: path)))
                return value
            }
            var map = map
            map[key] = set(raw, at: components.dropFirst(), in: map[key] ?? field.defaultValue,
                           type: field.type, path: childPath, override: override)
            return .map(map)
        case let (.section(section), .null):
            return set(raw, at: components, in: section.defaultValue, type: type, path: path, override: override)
        case let (.list(element), .list(items)):
            guard let index = Int(key), items.indices.contains(index) else {
                errors.append(.badOverride(text: override, reason: "'\(path)' has \(items.count) items; '\(key)' is not an index"))
                return value
            }
            var items = items
            items[index] = set(raw, at: components.dropFirst(), in: items[index], type: element, path: childPath, override: override)
            return .list(items)
        default:
            errors.append(.badOverride(text: override, reason: "'\(path)' is not a block, so '\(childPath)' does not exist"))
            return value
        }
    }

    private func suggestion(for key: String, in section: SpecSection, under path: String) -> String? {
        if let near = Suggestions.nearest(to: key, in: section.fields.map(\.name)) { return Self.join(path, near) }
        // The same key elsewhere in the spec (e.g. `batch_size` put under `model`).
        return schema.allPaths().first { $0.hasSuffix("." + key) || $0 == key }
    }

    /// A YAML value without a schema: scalars stay text until `conform` types them.
    private func literal(_ raw: RawNode) -> SpecValue {
        switch raw {
        case let .scalar(text, quoted, _):
            if !quoted && Self.isNull(text) { return .null }
            if !quoted && text == "???" { return .missing }
            return .string(text)
        case let .list(items, _):
            return .list(items.map(literal))
        case let .map(entries, _):
            return .map(SpecMap(entries.map { ($0.key, literal($0.value)) }))
        }
    }

    static func isNull(_ text: String) -> Bool { ["", "~", "null", "Null", "NULL"].contains(text) }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    // MARK: Checking

    private mutating func conform(_ value: SpecValue, to type: SpecType, path: String, nullable: Bool,
                                  bounds: SpecBounds? = nil) -> SpecValue {
        if value == .missing { return value }
        if value == .null {
            if nullable || { if case .any = type { return true }; return false }() { return .null }
            errors.append(wrongType(path, "null", type))
            return value
        }
        switch type {
        case let .section(section):
            guard case let .map(map) = value else {
                errors.append(.notABlock(origin: origin(of: path), path: path))
                return value
            }
            var checked = SpecMap()
            for field in section.fields {
                let childPath = Self.join(path, field.name)
                checked[field.name] = conform(map[field.name] ?? field.defaultValue, to: field.type, path: childPath,
                                              nullable: field.nullable, bounds: field.bounds)
            }
            return .map(checked)
        case let .list(element):
            guard case let .list(items) = value else {
                errors.append(wrongType(path, value.summary, type))
                return value
            }
            return .list(items.enumerated().map { index, item in
                conform(item, to: element, path: Self.join(path, "\(index)"), nullable: false, bounds: bounds)
            })
        case let .dictionary(element):
            guard case let .map(map) = value else {
                errors.append(wrongType(path, value.summary, type))
                return value
            }
            return .map(SpecMap(map.entries.map { entry in
                (entry.key, conform(entry.value, to: element, path: Self.join(path, entry.key), nullable: false))
            }))
        case .any:
            return Self.yamlTyped(value)
        default:
            guard let scalar = Self.scalar(value, as: type) else {
                errors.append(wrongType(path, value.summary, type))
                return value
            }
            if let bounds, let number = scalar.number, !bounds.admits(number) {
                errors.append(.wrongType(origin: origin(of: path), path: path, value: value.summary,
                                         expected: bounds.expectation(for: type.phrase)))
            }
            return scalar
        }
    }

    /// A scalar converted to a scalar type, or nil when it does not fit.
    static func scalar(_ value: SpecValue, as type: SpecType) -> SpecValue? {
        let text: String
        switch value {
        case let .string(string): text = string.trimmingCharacters(in: .whitespaces)
        case let .int(int): text = String(int)
        case let .float(float): text = String(float)
        case let .bool(bool): text = String(bool)
        default: return nil
        }
        switch type {
        case .int:
            if case let .int(int) = value { return .int(int) }
            return Int(text.hasPrefix("+") ? String(text.dropFirst()) : text).map(SpecValue.int)
        case .float:
            if case let .int(int) = value { return .float(Double(int)) }
            // nan and inf parse as numbers but are never a sensible setting.
            if case let .float(float) = value { return float.isFinite ? .float(float) : nil }
            return Double(text).flatMap { $0.isFinite ? SpecValue.float($0) : nil }
        case .bool:
            if case let .bool(bool) = value { return .bool(bool) }
            switch text.lowercased() {
            case "true", "yes", "on": return .bool(true)
            case "false", "no", "off": return .bool(false)
            default: return nil
            }
        case .string:
            if case let .string(string) = value { return .string(string) }
            return .string(text)
        case let .choice(names):
            if let exact = names.first(where: { $0 == text }) { return .string(exact) }
            return names.first { $0.lowercased() == text.lowercased() }.map(SpecValue.string)
        default:
            return nil
        }
    }

    /// Types an untyped value by YAML's core rules (for keys that accept anything).
    static func yamlTyped(_ value: SpecValue) -> SpecValue {
        switch value {
        case .string:
            return scalar(value, as: .int) ?? scalar(value, as: .float) ?? scalar(value, as: .bool) ?? value
        case let .list(items): return .list(items.map(yamlTyped))
        case let .map(map): return .map(SpecMap(map.entries.map { ($0.key, yamlTyped($0.value)) }))
        default: return value
        }
    }

    private func wrongType(_ path: String, _ value: String, _ type: SpecType) -> SpecError {
        var expected = type.phrase
        if case let .choice(names) = type, let near = Suggestions.nearest(to: value, in: names) {
            expected += " (did you mean '\(near)'?)"
        }
        return .wrongType(origin: origin(of: path), path: path, value: value, expected: expected)
    }

    private func origin(of path: String) -> SpecOrigin {
        var candidate = path
        while !candidate.isEmpty {
            if let origin = origins[candidate] { return origin }
            candidate = candidate.split(separator: ".").dropLast().joined(separator: ".")
        }
        return .defaults
    }

    private mutating func reportMissing(_ value: SpecValue, path: String) {
        switch value {
        case .missing: errors.append(.missingValue(path: path))
        case let .map(map): for entry in map.entries { reportMissing(entry.value, path: Self.join(path, entry.key)) }
        case let .list(items): for (index, item) in items.enumerated() { reportMissing(item, path: Self.join(path, "\(index)")) }
        default: break
        }
    }
}

extension SpecType: Equatable {
    public static func == (lhs: SpecType, rhs: SpecType) -> Bool {
        switch (lhs, rhs) {
        case (.int, .int), (.float, .float), (.bool, .bool), (.string, .string), (.any, .any): true
        case let (.choice(a), .choice(b)): a == b
        case let (.list(a), .list(b)), let (.dictionary(a), .dictionary(b)): a == b
        case let (.section(a), .section(b)): a.fields.map(\.name) == b.fields.map(\.name)
        default: false
        }
    }
}
