/// A padded batch of encoded sentences: every per-token array is row-major `[batchSize, length]`.
///
/// The data side (datasets, encoders) builds it; the model side (BERT and its heads) consumes it.
public struct TextBatch: Sendable, Equatable {
    /// Label value that a loss ignores (padding, special tokens, non-first pieces of a word).
    public static let ignoreIndex = -100

    public var batchSize: Int
    /// Pieces per row, including `[CLS]`, `[SEP]` and padding.
    public var length: Int
    /// WordPiece ids, `[batchSize * length]`.
    public var tokenIDs: [Int]
    /// Segment ids (0 for single sentences), `[batchSize * length]`.
    public var typeIDs: [Int]
    /// Real pieces per row (the rest is padding); attention never looks past them.
    public var lengths: [Int]
    /// One label per row for sequence heads (text classification, intents); empty when the task has none.
    public var sequenceLabels: [Int]
    /// Per-token labels for each token head (slots; punctuation and capitalization), `[batchSize * length]` each,
    /// `ignoreIndex` everywhere but the first piece of each labelled word.
    public var tokenLabels: [[Int]]
    /// For each row, the piece position of each word's first piece (to map predictions back to words).
    public var wordStarts: [[Int]]

    public init(batchSize: Int, length: Int, tokenIDs: [Int], typeIDs: [Int], lengths: [Int],
                sequenceLabels: [Int] = [], tokenLabels: [[Int]] = [], wordStarts: [[Int]] = []) {
        precondition(tokenIDs.count == batchSize * length && typeIDs.count == batchSize * length,
                     "TextBatch: ids \(tokenIDs.count) and type ids \(typeIDs.count) must be \(batchSize) x \(length)")
        precondition(lengths.count == batchSize, "TextBatch: \(lengths.count) lengths for \(batchSize) rows")
        self.batchSize = batchSize
        self.length = length
        self.tokenIDs = tokenIDs
        self.typeIDs = typeIDs
        self.lengths = lengths
        self.sequenceLabels = sequenceLabels
        self.tokenLabels = tokenLabels
        self.wordStarts = wordStarts
    }
}
