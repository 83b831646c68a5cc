extension TextBatch {
    /// A batch of encoded rows padded to the longest: padding gets `padID`, type 0, and `ignoreIndex` labels.
    /// Rows must agree on having a sequence label and on their number of token heads.
    public init(rows: [EncodedText], padID: Int) {
        let length = rows.map(\.count).max() ?? 0
        let heads = rows.first?.tokenLabels.count ?? 0
        let labelled = rows.filter { $0.sequenceLabel != nil }.count
        precondition(labelled == 0 || labelled == rows.count, "TextBatch: \(labelled) of \(rows.count) rows have a sequence label")
        precondition(rows.allSatisfy { $0.tokenLabels.count == heads }, "TextBatch: rows with different numbers of token heads")
        var ids: [Int] = [], tokenLabels = Array(repeating: [Int](), count: heads)
        ids.reserveCapacity(rows.count * length)
        for row in rows {
            let padding = length - row.count
            ids += row.tokenIDs + Array(repeating: padID, count: padding)
            for head in 0..<heads {
                tokenLabels[head] += row.tokenLabels[head] + Array(repeating: Self.ignoreIndex, count: padding)
            }
        }
        self.init(batchSize: rows.count, length: length, tokenIDs: ids,
                  typeIDs: Array(repeating: 0, count: ids.count), lengths: rows.map(\.count),
                  sequenceLabels: rows.compactMap(\.sequenceLabel), tokenLabels: tokenLabels,
                  wordStarts: rows.map(\.wordStarts))
    }

    /// The values at row `row`'s word starts, from per-piece values laid out `[batchSize, length]` (e.g. a token
    /// head's predicted ids): one value per word of that row.
    public func wordValues<T>(_ perPiece: [T], row: Int) -> [T] {
        precondition(perPiece.count == batchSize * length, "wordValues: \(perPiece.count) values for \(batchSize) x \(length)")
        precondition(wordStarts.indices.contains(row), "wordValues: row \(row) of \(wordStarts.count)")
        return wordStarts[row].map { perPiece[row * length + $0] }
    }
}
