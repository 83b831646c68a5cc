/// The words of an n-gram model, by id. Id 0 is always `<unk>`; unknown words map to it.
public struct NGramVocabulary: Sendable {
    public static let unknown = "<unk>", sentenceBegin = "<s>", sentenceEnd = "</s>"

    /// Words in id order.
    public let words: [String]
    private let ids: [String: UInt32]

    /// `words[0]` must be `<unk>`.
    init(words: [String]) {
        self.words = words
        var ids = [String: UInt32](minimumCapacity: words.count)
        for (index, word) in words.enumerated() where ids[word] == nil { ids[word] = UInt32(index) }
        self.ids = ids
    }

    public var count: Int { words.count }

    /// The id of `word`, or 0 (`<unk>`) when the model does not know it.
    @inline(__always)
    public func id(_ word: String) -> UInt32 { ids[word] ?? 0 }

    /// The id of `word`, or 0 (`<unk>`).
    @inline(__always)
    public func id(_ word: Substring) -> UInt32 { ids[String(word)] ?? 0 }

    /// Whether `word` is in the vocabulary (`<unk>` itself counts as known).
    public func contains(_ word: String) -> Bool { ids[word] != nil }
}
