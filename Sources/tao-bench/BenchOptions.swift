import Foundation

/// One benchmark area's options, `--flag value` pairs and bare switches, checked against the flags the area knows:
/// a misspelt flag, a missing or malformed value, or `--help` stops the run instead of being ignored.
struct BenchOptions {
    private var values: [String: String] = [:]
    private var setSwitches: Set<String> = []

    /// Throws `BenchUsage`: `usage` itself for `--help` or `-h`, else what is wrong with `arguments`.
    init(_ arguments: [String], flags: [String], switches: [String] = [], usage: String) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            if flag == "--help" || flag == "-h" { throw BenchUsage(usage, isHelp: true) }
            if switches.contains(flag) {
                setSwitches.insert(flag)
                continue
            }
            guard flags.contains(flag) else {
                throw BenchUsage("unknown option '\(flag)' (valid: \((flags + switches).joined(separator: " ")))\nusage: \(usage)")
            }
            guard let value = rest.popFirst() else { throw BenchUsage("\(flag) needs a value\nusage: \(usage)") }
            values[flag] = value
        }
    }

    /// The flag's value as given, or nil.
    func string(_ flag: String) -> String? { values[flag] }

    /// Whether the bare switch was given.
    func isSet(_ flag: String) -> Bool { setSwitches.contains(flag) }

    /// The flag's positive integer, or `fallback` when the flag is absent.
    func integer(_ flag: String, default fallback: Int) throws -> Int {
        guard let text = values[flag] else { return fallback }
        return try positiveInteger(text, flag)
    }

    /// The flag's comma-separated positive integers (`--threads 1,2`), or `fallback` when the flag is absent.
    func integers(_ flag: String, default fallback: [Int]) throws -> [Int] {
        guard let text = values[flag] else { return fallback }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { try positiveInteger(String($0), flag) }
    }

    /// The flag's non-negative number, or `fallback` when the flag is absent.
    func number(_ flag: String, default fallback: Double) throws -> Double {
        guard let text = values[flag] else { return fallback }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw BenchUsage("\(flag): '\(text)' is not a non-negative number")
        }
        return value
    }

    /// The flag's value if it names one of `choices` (`--only`), nil when the flag is absent.
    func choice(_ flag: String, among choices: [String]) throws -> String? {
        guard let text = values[flag] else { return nil }
        guard choices.contains(text) else {
            throw BenchUsage("\(flag): '\(text)' is not one of \(choices.joined(separator: ", "))")
        }
        return text
    }

    private func positiveInteger(_ text: String, _ flag: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw BenchUsage("\(flag): '\(text)' is not a positive integer") }
        return value
    }
}

/// A wrong `tao-bench` command line (exit status 2), or the usage asked for with `--help` (exit status 0).
struct BenchUsage: Error, CustomStringConvertible {
    let description: String
    let isHelp: Bool

    init(_ description: String, isHelp: Bool = false) {
        self.description = description
        self.isHelp = isHelp
    }
}
