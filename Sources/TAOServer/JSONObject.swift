import Foundation
import TAOTensor
import TAOToolkit

/// A JSON object of a request, read field by field with errors that name the field's path, its value and what was
/// expected. Unknown keys are errors too (with the nearest known key), so a typo is not silently ignored.
struct JSONObject {
    /// Where this object sits in the request, e.g. `config` or `streaming_config.config`.
    let path: String
    let values: [String: Any]

    /// Parses `data` as a JSON object.
    init(parsing data: Data, name: String) throws {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw ServerError.invalidArgument("\(name): not valid JSON")
        }
        try self.init(parsed, path: name)
    }

    /// Wraps a parsed value that must be an object.
    init(_ value: Any, path: String) throws {
        guard let values = value as? [String: Any] else {
            throw ServerError.invalidArgument("\(path): expected a JSON object, got \(JSONValue.describe(value))")
        }
        self.path = path
        self.values = values
    }

    /// Throws for the first key not in `allowed` (sorted, so the message is stable).
    func checkKeys(_ allowed: Set<String>) throws {
        for key in values.keys.sorted() where !allowed.contains(key) {
            let hint = Suggestions.nearest(to: key, in: allowed.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
            throw ServerError.invalidArgument("\(field(key)): unknown field\(hint); known fields: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    func has(_ key: String) -> Bool { values[key] != nil && !(values[key] is NSNull) }

    func string(_ key: String) throws -> String? {
        guard let value = present(key) else { return nil }
        guard let string = value as? String else { throw wrongType(key, value, "a string") }
        return string
    }

    /// An integer (a JSON number without fraction, or a string of one). A whole number too large for the server
    /// (1e15 and more) is out of range, not "not an integer".
    func int(_ key: String, in range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let value = present(key) else { return nil }
        let whole: Double?
        if let string = value as? String {
            whole = Int(string).map(Double.init) ?? Double(string)
        } else if JSONValue.isBoolean(value) {
            whole = nil
        } else {
            whole = (value as? NSNumber)?.doubleValue
        }
        guard let whole, whole.isFinite, whole == whole.rounded() else { throw wrongType(key, value, "an integer") }
        let bounds = range.map { " \($0.lowerBound)...\($0.upperBound)" } ?? ""
        guard abs(whole) < 1e15 else { throw ServerError.invalidArgument("\(field(key)): \(JSONValue.describe(value)) is out of range\(bounds)") }
        let number = Int(whole)
        if let range, !range.contains(number) {
            throw ServerError.invalidArgument("\(field(key)): \(number) is out of range\(bounds)")
        }
        return number
    }

    func double(_ key: String, in range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let value = present(key) else { return nil }
        let number: Double?
        if let string = value as? String { number = Double(string) } else if JSONValue.isBoolean(value) { number = nil } else {
            number = (value as? NSNumber)?.doubleValue
        }
        guard let number, number.isFinite else { throw wrongType(key, value, "a number") }
        if let range, !range.contains(number) {
            throw ServerError.invalidArgument("\(field(key)): \(number) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = present(key) else { return nil }
        if JSONValue.isBoolean(value), let number = value as? NSNumber { return number.boolValue }
        if let bool = value as? Bool { return bool }
        throw wrongType(key, value, "true or false")
    }

    func object(_ key: String) throws -> JSONObject? {
        guard let value = present(key) else { return nil }
        return try JSONObject(value, path: field(key))
    }

    func array(_ key: String) throws -> [Any]? {
        guard let value = present(key) else { return nil }
        guard let array = value as? [Any] else { throw wrongType(key, value, "a list") }
        return array
    }

    /// A list of strings.
    func strings(_ key: String) throws -> [String]? {
        guard let array = try array(key) else { return nil }
        return try array.enumerated().map { index, value in
            guard let string = value as? String else { throw wrongType("\(key)[\(index)]", value, "a string") }
            return string
        }
    }

    /// A map of string to string (numbers and booleans are accepted and written as text).
    func stringMap(_ key: String) throws -> [String: String]? {
        guard let object = try object(key) else { return nil }
        var map: [String: String] = [:]
        for (name, value) in object.values {
            if let string = value as? String { map[name] = string } else if let number = value as? NSNumber { map[name] = "\(number)" } else {
                throw object.wrongType(name, value, "a string")
            }
        }
        return map
    }

    /// The path of `key` for messages (a client's long key is clipped).
    func field(_ key: String) -> String { path.isEmpty ? clipped(key) : "\(path).\(clipped(key))" }

    private func present(_ key: String) -> Any? {
        guard let value = values[key], !(value is NSNull) else { return nil }
        return value
    }

    private func wrongType(_ key: String, _ value: Any, _ expected: String) -> ServerError {
        .invalidArgument("\(field(key)): expected \(expected), got \(JSONValue.describe(value))")
    }
}

