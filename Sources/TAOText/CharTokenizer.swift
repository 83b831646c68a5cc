/// Character labels for CTC models: label `i` is id `i`, and the CTC blank is the last id (`labels.count`),
/// as in NeMo's QuartzNet and Citrinet character models.
public struct CharTokenizer: Sendable, Equatable {
    /// The labels in id order, blank excluded.
    public let labels: [Character]
    private let idsByLabel: [Character: Int]

    /// NeMo's English character set: space, `a`-`z`, apostrophe (28 labels; blank is id 28).
    public static let english = CharTokenizer(distinctLabels: Array(" abcdefghijklmnopqrstuvwxyz'"))

    /// A tokenizer over `labels` (each a single character, given once).
    public init(labels: [Character]) throws {
        if labels.isEmpty { throw TextError.badLabels(reason: "no labels") }
        var ids: [Character: Int] = [:]
        for (id, label) in labels.enumerated() {
            if let first = ids[label] {
                throw TextError.badLabels(reason: "'\(label)' is given twice (ids \(first) and \(id))")
            }
            ids[label] = id
        }
        self.labels = labels
        self.idsByLabel = ids
    }

    /// Labels the caller guarantees distinct and non-empty (constants of this module).
    private init(distinctLabels labels: [Character]) {
        self.labels = labels
        self.idsByLabel = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
    }

    /// A tokenizer from label strings such as a spec's `labels: [" ", "a", ..., "'"]`; each must be one character.
    public init(labelStrings: [String]) throws {
        var labels: [Character] = []
        for string in labelStrings {
            guard string.count == 1, let label = string.first else {
                throw TextError.badLabels(reason: "'\(string)' is not a single character")
            }
            labels.append(label)
        }
        try self.init(labels: labels)
    }

    /// The CTC blank id: one past the last label.
    public var blankID: Int { labels.count }

    /// The number of model outputs: labels plus blank.
    public var outputCount: Int { labels.count + 1 }

    /// The id of `character`, or nil when it has no label.
    public func id(of character: Character) -> Int? { idsByLabel[character] }

    /// The characters of `text` that have no label, each once, in order of appearance.
    public func unknownCharacters(in text: String) -> [Character] {
        var seen: Set<Character> = []
        return text.filter { idsByLabel[$0] == nil && seen.insert($0).inserted }.map { $0 }
    }

    /// The label ids of `text`; throws `unknownCharacters` naming every character without a label.
    public func encode(_ text: String) throws -> [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(text.count)
        for character in text {
            guard let id = idsByLabel[character] else {
                throw TextError.unknownCharacters(text: text, characters: unknownCharacters(in: text))
            }
            ids.append(id)
        }
        return ids
    }

    /// The text of label ids; blank ids are skipped (no repeat collapsing: that is the CTC decoder's job).
    /// Throws `idOutOfRange` for an id that is neither a label nor blank.
    public func decode(_ ids: [Int]) throws -> String {
        var text = ""
        for id in ids where id != blankID {
            guard labels.indices.contains(id) else { throw TextError.idOutOfRange(id: id, count: outputCount) }
            text.append(labels[id])
        }
        return text
    }

    public static func == (lhs: CharTokenizer, rhs: CharTokenizer) -> Bool { lhs.labels == rhs.labels }
}
