import Foundation

/// Values as `JSONSerialization` hands them over, where `true` and `1` are both `NSNumber`: the checks every JSON
/// reader of the project (safetensors headers, config.json, manifests, requests) needs to tell them apart.
public enum JSONValue {
    /// Whether `value` is a JSON boolean rather than a number.
    public static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c" || type(of: value) == Bool.self
    }

    /// `value` as a JSON number; nil for anything else, booleans included.
    public static func number(_ value: Any?) -> NSNumber? {
        guard let value, let number = value as? NSNumber, !isBoolean(value) else { return nil }
        return number
    }

    /// A short rendering of a JSON value for error messages: a string clipped to 40 characters in quotes, `true`,
    /// `null`, "a list", "an object", or the number.
    public static func describe(_ value: Any) -> String {
        switch value {
        case let string as String: "\"\(string.prefix(40))\""
        case is [String: Any]: "an object"
        case is [Any]: "a list"
        case is NSNull: "null"
        case _ where isBoolean(value): (value as? NSNumber)?.boolValue == true ? "true" : "false"
        default: "\(value)".prefix(40).description
        }
    }

    /// `value` as a list of whole JSON numbers; nil for anything else (a boolean, a fraction, a string among them).
    public static func integers(_ value: Any?) -> [Int]? {
        guard let items = value as? [Any] else { return nil }
        var integers: [Int] = []
        for item in items {
            guard let number = number(item), let integer = Int(exactly: number.doubleValue) else { return nil }
            integers.append(integer)
        }
        return integers
    }
}
