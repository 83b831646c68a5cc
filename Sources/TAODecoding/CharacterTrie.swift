/// A trie over Unicode scalars: which strings are prefixes of a word list, and the length of the
/// shortest word below each prefix. A class so the decoder's hot loop never copies it; immutable after init.
final class CharacterTrie: @unchecked Sendable {
    /// child of (node, scalar): key = node << 32 | scalar.
    private let children: IntHashMap
    /// Per node: length (in scalars) of the shortest word through it, and whether a word ends there.
    let shortestWord: [Int32]
    let isWord: [Bool]

    static let root: Int32 = 0

    init(_ words: some Sequence<String>) {
        var children = IntHashMap()
        var shortestWord: [Int32] = [Int32.max]
        var isWord = [false]
        for word in words where !word.isEmpty {
            let scalars = word.unicodeScalars.map(\.value)
            var node = Self.root
            for scalar in scalars {
                shortestWord[Int(node)] = min(shortestWord[Int(node)], Int32(scalars.count))
                let key = UInt64(UInt32(node)) << 32 | UInt64(scalar)
                if let child = children.get(key) { node = child; continue }
                let child = Int32(isWord.count)
                children.insert(key, child)
                shortestWord.append(Int32.max)
                isWord.append(false)
                node = child
            }
            shortestWord[Int(node)] = min(shortestWord[Int(node)], Int32(scalars.count))
            isWord[Int(node)] = true
        }
        self.children = children
        self.shortestWord = shortestWord
        self.isWord = isWord
    }

    var isEmpty: Bool { children.count == 0 }

    /// The node after `scalar` from `node`, or -1 (also from -1).
    @inline(__always)
    func child(_ node: Int32, _ scalar: UInt32) -> Int32 {
        guard node >= 0 else { return -1 }
        return children.get(UInt64(UInt32(node)) << 32 | UInt64(scalar)) ?? -1
    }
}
