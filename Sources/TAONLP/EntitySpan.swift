/// A labelled span of words found in a sequence of IOB tags: `type` over words `start ..< end`.
public struct EntitySpan: Sendable, Hashable, Codable {
    public var type: String
    public var start: Int
    public var end: Int

    public init(type: String, start: Int, end: Int) {
        self.type = type
        self.start = start
        self.end = end
    }

    /// The spans of a tag sequence, as seqeval's default (conlleval) reading of IOB1, IOB2, IOE and IOBES tags:
    /// a span starts at `B-`/`S-`, at an `I-`/`E-` after `O`, `E-` or `S-`, or where the type changes, and ends
    /// before the next start, an `O`, or after `E-`/`S-`. The first character of a tag is its prefix and what
    /// follows the first `-` its type.
    public static func spans<S: StringProtocol>(in tags: [S]) -> [EntitySpan] {
        var spans: [EntitySpan] = []
        var previousPrefix: Character = "O", previousType = "", begin = 0
        for index in 0...tags.count {
            let (prefix, type) = index < tags.count ? parts(tags[index]) : ("O", "_")
            if endsChunk(previousPrefix, prefix, previousType, type) {
                spans.append(EntitySpan(type: previousType, start: begin, end: index))
            }
            if startsChunk(previousPrefix, prefix, previousType, type) { begin = index }
            previousPrefix = prefix
            previousType = type
        }
        return spans
    }

    /// `B-PER` -> (`B`, `PER`); `O` -> (`O`, `_`).
    private static func parts<S: StringProtocol>(_ tag: S) -> (Character, String) {
        guard let prefix = tag.first else { return ("O", "_") }
        let rest = tag.dropFirst()
        let type = rest.firstIndex(of: "-").map { String(rest[rest.index(after: $0)...]) } ?? String(rest)
        return (prefix, type.isEmpty ? "_" : type)
    }

    private static func endsChunk(_ previous: Character, _ current: Character, _ previousType: String, _ type: String) -> Bool {
        if previous == "E" || previous == "S" { return true }
        if (previous == "B" || previous == "I") && (current == "B" || current == "S" || current == "O") { return true }
        return previous != "O" && previous != "." && previousType != type
    }

    private static func startsChunk(_ previous: Character, _ current: Character, _ previousType: String, _ type: String) -> Bool {
        if current == "B" || current == "S" { return true }
        if (previous == "E" || previous == "S" || previous == "O") && (current == "E" || current == "I") { return true }
        return current != "O" && current != "." && previousType != type
    }
}
