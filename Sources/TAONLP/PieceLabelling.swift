/// Which pieces of a training row carry labels besides each word's first piece, NeMo's `ignore_extra_tokens` and
/// `ignore_start_end` set to false. A piece without a label is left out of the loss; predictions are always read at
/// each word's first piece.
public struct PieceLabelling: Sendable, Equatable {
    /// The 2nd and later pieces of a word carry the word's label.
    public var extraPieces: Bool
    /// Per token head, the label `[CLS]` and `[SEP]` carry (the head's pad label); nil leaves them out.
    public var startEnd: [Int]?

    public init(extraPieces: Bool, startEnd: [Int]?) {
        self.extraPieces = extraPieces
        self.startEnd = startEnd
    }

    /// Labels on first pieces only.
    public static let firstPieces = PieceLabelling(extraPieces: false, startEnd: nil)
}
