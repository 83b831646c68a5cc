/// Groups encoded rows into padded `TextBatch`es: in order (evaluation, inference) or shuffled with a seeded
/// generator (training), optionally bucketed so that rows of similar length share a batch and padding stays small.
public struct TextBatcher: Sendable {
    public let rows: [EncodedText]
    /// Rows per batch (the last batch may be smaller).
    public let batchSize: Int
    /// The `[PAD]` id.
    public let padID: Int
    /// When shuffling, sort rows by length inside windows of `bucketWindow` batches before cutting them into batches
    /// (batch order is shuffled again afterwards).
    public let bucketing: Bool
    public let bucketWindow: Int

    /// Throws `badOption` for a batch size below 1.
    public init(rows: [EncodedText], batchSize: Int, padID: Int, bucketing: Bool = false, bucketWindow: Int = 50) throws {
        guard batchSize >= 1 else {
            throw NLPDataError.badOption(name: "batch_size", value: "\(batchSize)", expected: "at least 1")
        }
        self.rows = rows
        self.batchSize = batchSize
        self.padID = padID
        self.bucketing = bucketing
        self.bucketWindow = max(1, bucketWindow)
    }

    /// Number of batches per epoch.
    public var batchCount: Int { (rows.count + batchSize - 1) / batchSize }

    /// Batches of consecutive rows, in row order.
    public func orderedBatches() -> [TextBatch] { orderedBatchIndices().map(batch) }

    /// The row indices of each ordered batch.
    public func orderedBatchIndices() -> [[Int]] { chunks(Array(rows.indices)) }

    /// Row indices grouped into batches of similar length (rows sorted by length, shortest first): for evaluation
    /// and inference with little padding; predictions map back to rows through the indices.
    public func lengthSortedBatchIndices() -> [[Int]] {
        chunks(rows.indices.sorted { (rows[$0].count, $0) < (rows[$1].count, $1) })
    }

    /// One training epoch: rows shuffled with `generator` (and bucketed if asked), then batched.
    public func shuffledBatches<G: RandomNumberGenerator>(using generator: inout G) -> [TextBatch] {
        shuffledBatchIndices(using: &generator).map(batch)
    }

    /// The row indices of each batch of a shuffled epoch.
    public func shuffledBatchIndices<G: RandomNumberGenerator>(using generator: inout G) -> [[Int]] {
        var order = Array(rows.indices)
        order.shuffle(using: &generator)
        guard bucketing else { return chunks(order) }
        let window = batchSize * bucketWindow
        var batches: [[Int]] = []
        for start in stride(from: 0, to: order.count, by: window) {
            // A stable sort by length keeps the shuffled order among rows of equal length.
            let sorted = order[start..<min(start + window, order.count)].enumerated()
                .sorted { (rows[$0.element].count, $0.offset) < (rows[$1.element].count, $1.offset) }
                .map(\.element)
            batches += chunks(sorted)
        }
        batches.shuffle(using: &generator)
        return batches
    }

    /// The padded batch of the rows at `indices`.
    public func batch(_ indices: [Int]) -> TextBatch {
        TextBatch(rows: indices.map { rows[$0] }, padID: padID)
    }

    private func chunks(_ indices: [Int]) -> [[Int]] {
        stride(from: 0, to: indices.count, by: batchSize).map { Array(indices[$0..<min($0 + batchSize, indices.count)]) }
    }
}
