/// One encoded row before padding: `[CLS] pieces [SEP]` with the labels placed on each word's first piece.
public struct EncodedText: Sendable, Equatable {
    /// WordPiece ids, `[CLS]` first and `[SEP]` last.
    public var tokenIDs: [Int]
    /// The piece position of the first piece of each word the row holds (words `firstWord ..< firstWord + wordStarts.count`
    /// of the source example).
    public var wordStarts: [Int]
    /// The source example's label id, if any.
    public var sequenceLabel: Int?
    /// Per token head, one label per piece (`tokenIDs.count`): the word's label on its first piece; on its other pieces
    /// and on `[CLS]`/`[SEP]` a label or `TextBatch.ignoreIndex`, as the encoder's `PieceLabelling` says.
    public var tokenLabels: [[Int]]
    /// Index of the source example in the list that was encoded.
    public var example: Int
    /// Index, in the source example's words, of this row's first word (non-zero for the later segments of a long text).
    public var firstWord: Int
    /// Words of the source example that truncation left out (0 when the example fit or was split into segments).
    public var droppedWords: Int

    public init(tokenIDs: [Int], wordStarts: [Int], sequenceLabel: Int? = nil, tokenLabels: [[Int]] = [],
                example: Int = 0, firstWord: Int = 0, droppedWords: Int = 0) {
        precondition(tokenLabels.allSatisfy { $0.count == tokenIDs.count },
                     "EncodedText: label rows \(tokenLabels.map(\.count)) for \(tokenIDs.count) pieces")
        self.tokenIDs = tokenIDs
        self.wordStarts = wordStarts
        self.sequenceLabel = sequenceLabel
        self.tokenLabels = tokenLabels
        self.example = example
        self.firstWord = firstWord
        self.droppedWords = droppedWords
    }

    /// Pieces in the row, `[CLS]` and `[SEP]` included.
    public var count: Int { tokenIDs.count }

    /// The values at the words' first pieces from per-piece values of this row (e.g. a token head's argmax),
    /// one per word of the row. `perPiece` must cover the row's pieces (it may be longer: padding).
    public func wordValues<T>(_ perPiece: some RandomAccessCollection<T>) -> [T] {
        precondition(perPiece.count >= count, "wordValues: \(perPiece.count) values for \(count) pieces")
        return wordStarts.map { perPiece[perPiece.index(perPiece.startIndex, offsetBy: $0)] }
    }

    /// One value per word of a text from per-word values of its segment rows (`TextEncoder.segments`, in order, each
    /// `values[r]` holding `rows[r].wordStarts.count` values). Where rows overlap, a word takes its value from the row in
    /// which it lies farthest from a cut (the text's own start and end are not cuts).
    public static func mergeSegments<T>(_ rows: [EncodedText], values: [[T]]) -> [T] {
        precondition(rows.count == values.count, "mergeSegments: \(values.count) value rows for \(rows.count) rows")
        var merged: [(value: T, context: Int)] = []
        for (index, (row, rowValues)) in zip(rows, values).enumerated() {
            precondition(rowValues.count == row.wordStarts.count,
                         "mergeSegments: \(rowValues.count) values for \(row.wordStarts.count) words")
            for (offset, value) in rowValues.enumerated() {
                let word = row.firstWord + offset
                let left = index == 0 ? Int.max : offset, right = index == rows.count - 1 ? Int.max : rowValues.count - 1 - offset
                let context = min(left, right)
                if word == merged.count {
                    merged.append((value, context))
                } else if word < merged.count, context > merged[word].context {
                    merged[word] = (value, context)
                }
            }
        }
        return merged.map(\.value)
    }
}
