import Foundation

/// A spec checked against its schema: the defaults, then the file, then the overrides, interpolated and typed.
public struct ResolvedSpec: Sendable {
    /// The checked values, every key present.
    public let value: SpecValue
    public let schema: SpecSection

    /// A spec tree taken as already checked (the defaults themselves).
    init(unchecked value: SpecValue, schema: SpecSection) {
        self.value = value
        self.schema = schema
    }

    /// Loads and checks a spec.
    /// - Parameters:
    ///   - file: a YAML spec file; nil uses the defaults alone.
    ///   - overrides: `a.b.c=value` strings, applied after the file, in order.
    public static func load(schema: SpecSection, file: URL?, overrides: [String]) throws -> ResolvedSpec {
        var resolver = SpecResolver(schema: schema)
        if let file {
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                let reason = FileManager.default.fileExists(atPath: file.path) ? "not UTF-8 text" : "no such file"
                throw SpecError.unreadable(path: file.path, reason: reason)
            }
            resolver.apply(file: try RawNode.parse(yaml: text, path: file.path))
        }
        for override in overrides { resolver.apply(override: override) }
        return ResolvedSpec(unchecked: try resolver.finish(), schema: schema)
    }

    /// Checks YAML text (for specs held in memory, such as one inside a model archive).
    /// - Parameter requireAll: report keys still `???` (off only to read back a default spec).
    public static func load(schema: SpecSection, yaml: String, name: String, overrides: [String] = [],
                            requireAll: Bool = true) throws -> ResolvedSpec {
        var resolver = SpecResolver(schema: schema)
        resolver.apply(file: try RawNode.parse(yaml: yaml, path: name))
        for override in overrides { resolver.apply(override: override) }
        return ResolvedSpec(unchecked: try resolver.finish(requireAll: requireAll), schema: schema)
    }

    /// The spec as commented YAML, every key written out.
    public func yaml(header: [String] = []) -> String { SpecWriter.yaml(value, schema: schema, header: header) }

    /// The value at a dotted path (`model.preprocessor.features`).
    public subscript(path: String) -> SpecValue? { value[path: path.split(separator: ".").map(String.init)] }

    /// Decodes the spec, or one block of it, into a typed struct whose properties are the camel-cased keys.
    public func decode<T: Decodable>(_ type: T.Type, at path: String = "") throws -> T {
        guard let node = path.isEmpty ? value : self[path] else {
            throw SpecError.invalid(path: path, reason: "no such block")
        }
        let data = try JSONSerialization.data(withJSONObject: node.plain, options: [.fragmentsAllowed])
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            throw SpecError.invalid(path: path, reason: "cannot be read as \(T.self): \(error)")
        }
    }
}
