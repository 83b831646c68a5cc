/// A BERT input: `[CLS] first [SEP]` or `[CLS] first [SEP] second [SEP]`, optionally padded.
/// All arrays have one entry per position.
public struct BertEncoding: Sendable, Equatable {
    /// Vocabulary ids (`input_ids`).
    public var ids: [Int]
    /// Vocabulary tokens, for reading and debugging.
    public var tokens: [String]
    /// Segment ids (`token_type_ids`): 0 for `[CLS]`, the first text and its `[SEP]`; 1 for the second text and its `[SEP]`.
    public var typeIDs: [Int]
    /// 1 for real tokens, 0 for padding (`attention_mask`).
    public var attentionMask: [Int]
    /// The text (0 first, 1 second) a piece comes from; nil for special tokens and padding.
    public var sequenceIndices: [Int?]
    /// The whitespace-delimited word of its text a piece belongs to; nil for special tokens and padding.
    public var wordIndices: [Int?]
    /// Unicode scalar offsets of a piece in its text (Python string indices, as Hugging Face's
    /// `offset_mapping`); nil for special tokens and padding.
    public var offsets: [Range<Int>?]

    /// The number of positions, padding included.
    public var count: Int { ids.count }

    /// Whether position `i` is the first piece of its word: the position that carries a word's label.
    public func isFirstPieceOfWord(_ i: Int) -> Bool {
        guard let word = wordIndices[i] else { return false }
        return i == 0 || wordIndices[i - 1] != word || sequenceIndices[i - 1] != sequenceIndices[i]
    }

    /// For each word of text `sequence`, the position of its first piece (words cut off by
    /// truncation, or with no pieces, are absent).
    public func firstPiecePositions(sequence: Int = 0) -> [Int: Int] {
        var positions: [Int: Int] = [:]
        for i in ids.indices where sequenceIndices[i] == sequence {
            if let word = wordIndices[i], positions[word] == nil { positions[word] = i }
        }
        return positions
    }

    /// For each word of text `sequence` that kept a piece, the Unicode scalar offsets from its first
    /// piece's start to its last piece's end (a span to show or label).
    public func wordSpans(sequence: Int = 0) -> [Int: Range<Int>] {
        var spans: [Int: Range<Int>] = [:]
        for i in ids.indices where sequenceIndices[i] == sequence {
            guard let word = wordIndices[i], let offsets = offsets[i] else { continue }
            let span = spans[word]
            spans[word] = span.map { min($0.lowerBound, offsets.lowerBound)..<max($0.upperBound, offsets.upperBound) } ?? offsets
        }
        return spans
    }

    /// The part of `text` at Unicode scalar offsets `range` (as in `offsets`); nil when out of range.
    public static func substring(of text: String, scalarOffsets range: Range<Int>) -> Substring? {
        let scalars = text.unicodeScalars
        guard range.lowerBound >= 0,
              let start = scalars.index(scalars.startIndex, offsetBy: range.lowerBound, limitedBy: scalars.endIndex),
              let end = scalars.index(start, offsetBy: range.count, limitedBy: scalars.endIndex)
        else { return nil }
        return Substring(scalars[start..<end])
    }

    /// This encoding padded at the end to `length` positions with `padID` (attention 0, type 0).
    /// An encoding already that long is returned unchanged.
    public func padded(to length: Int, padID: Int, padToken: String = "[PAD]") -> BertEncoding {
        let extra = length - count
        guard extra > 0 else { return self }
        var padded = self
        padded.ids += Array(repeating: padID, count: extra)
        padded.tokens += Array(repeating: padToken, count: extra)
        padded.typeIDs += Array(repeating: 0, count: extra)
        padded.attentionMask += Array(repeating: 0, count: extra)
        padded.sequenceIndices += Array(repeating: nil, count: extra)
        padded.wordIndices += Array(repeating: nil, count: extra)
        padded.offsets += Array(repeating: nil, count: extra)
        return padded
    }
}
