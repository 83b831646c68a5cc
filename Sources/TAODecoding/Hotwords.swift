/// Words to favour while decoding (pyctcdecode's hotwords): every completed word that is one of
/// the hotwords' words gains `weight`; a partial word that starts some hotword word gains
/// `weight * partial length / length of the shortest such word`, so a hotword survives pruning
/// while it is being spelled. Scores are natural-log units, not scaled by the LM weight.
public struct Hotwords: Sendable {
    public let weight: Double
    let words: Set<String>
    let trie: CharacterTrie

    /// `phrases` may hold several words each; `weight` is pyctcdecode's `hotword_weight` (default 10).
    public init(_ phrases: [String], weight: Double = 10) {
        let words = phrases.flatMap { $0.split(separator: " ").map(String.init) }
        self.weight = weight
        self.words = Set(words)
        trie = CharacterTrie(words)
    }

    public var isEmpty: Bool { words.isEmpty }

    /// Bonus for a completed word.
    func wordScore(_ word: String) -> Double { words.contains(word) ? weight : 0 }

    /// Bonus for a partial word of `length` scalars at trie `node` (0 off the trie).
    func partialScore(node: Int32, length: Int) -> Double {
        guard node > 0 else { return 0 }
        return weight * Double(length) / Double(trie.shortestWord[Int(node)])
    }
}
