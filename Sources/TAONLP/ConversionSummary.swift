/// What a `dataset_convert` run wrote and what it left out.
public struct ConversionSummary: Sendable, Equatable, CustomStringConvertible {
    /// A file written, with the number of examples (lines, labels) it holds.
    public struct WrittenFile: Sendable, Equatable {
        public var path: String
        public var count: Int
    }

    /// A source line or item left out, with why.
    public struct SkippedItem: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        /// 1-based line, or 0 when the item is not a line (a JSON entry, a paragraph).
        public var line: Int
        public var reason: String
        public var description: String { line > 0 ? "\(path):\(line): \(reason)" : "\(path): \(reason)" }
    }

    /// Examples per split written (`train`, `dev`, `test`).
    public var examples: [String: Int] = [:]
    /// Every file written.
    public var files: [WrittenFile] = []
    /// Everything left out.
    public var skipped: [SkippedItem] = []

    public init() {}

    mutating func wrote(_ path: String, count: Int) { files.append(WrittenFile(path: path, count: count)) }

    mutating func skip(_ path: String, line: Int, _ reason: String) {
        skipped.append(SkippedItem(path: path, line: line, reason: reason))
    }

    /// One line: examples per split and the number skipped.
    public var description: String {
        let splits = examples.keys.sorted().map { "\($0) \(examples[$0] ?? 0)" }.joined(separator: ", ")
        return "\(splits); \(skipped.count) skipped; \(files.count) files written"
    }
}
