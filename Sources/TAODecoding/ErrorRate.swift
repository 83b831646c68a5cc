/// Word and character error rates: edit distance (substitutions, insertions, deletions) between a
/// hypothesis and a reference, summed over utterances and divided by the reference length.
public struct ErrorRate: Sendable, Equatable {
    /// Edits needed to turn the hypotheses into the references.
    public private(set) var edits = 0
    /// Words (or characters) in the references.
    public private(set) var referenceLength = 0

    public init() {}

    /// The rate, 0 when nothing has been added.
    public var rate: Double { referenceLength == 0 ? 0 : Double(edits) / Double(referenceLength) }

    /// Adds one utterance, compared word by word.
    public mutating func addWords(hypothesis: String, reference: String) {
        add(hypothesis.split(separator: " ").map(String.init), reference.split(separator: " ").map(String.init))
    }

    /// Adds one utterance, compared character by character (spaces collapsed, as NeMo's CER does).
    public mutating func addCharacters(hypothesis: String, reference: String) {
        add(Array(hypothesis.split(separator: " ").joined(separator: " ")), Array(reference.split(separator: " ").joined(separator: " ")))
    }

    /// Adds any token sequences.
    public mutating func add<T: Equatable>(_ hypothesis: [T], _ reference: [T]) {
        edits += Self.editDistance(hypothesis, reference)
        referenceLength += reference.count
    }

    /// Levenshtein distance between two sequences.
    public static func editDistance<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
