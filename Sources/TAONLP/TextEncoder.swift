import TAOText

/// Turns words (with labels) into `EncodedText` rows for BERT: WordPiece each word, `[CLS] ... [SEP]`, each word's
/// labels on its first piece (and, as `labelling` says, on its other pieces and on `[CLS]`/`[SEP]`). Long texts are
/// either truncated to `maxSequenceLength` pieces (keeping `[CLS]` and `[SEP]`, as NeMo does) or split into segments
/// of at most `maxSequenceLength` pieces at word boundaries.
public struct TextEncoder: Sendable {
    public let tokenizer: BertTokenizer
    /// The most pieces a row may have, `[CLS]` and `[SEP]` included (`max_seq_length`).
    public let maxSequenceLength: Int
    /// The pieces that carry labels (training rows).
    public let labelling: PieceLabelling

    /// Throws `badOption` when `maxSequenceLength` leaves no room for a word (less than 3).
    public init(tokenizer: BertTokenizer, maxSequenceLength: Int = 128, labelling: PieceLabelling = .firstPieces) throws {
        guard maxSequenceLength >= 3 else {
            throw NLPDataError.badOption(name: "max_seq_length", value: "\(maxSequenceLength)",
                                         expected: "at least 3 ([CLS], one piece, [SEP])")
        }
        self.tokenizer = tokenizer
        self.maxSequenceLength = maxSequenceLength
        self.labelling = labelling
    }

    /// One row per text, truncated at the end to `maxSequenceLength` (words whose first piece does not fit are
    /// dropped and counted in `droppedWords`; a word cut inside keeps its label on its first piece).
    public func encode(_ text: LabelledText, example: Int = 0) -> EncodedText {
        let pieces = wordPieceIDs(text.words)
        var budget = maxSequenceLength - 2
        var kept: [[Int]] = []
        for wordPieces in pieces where budget > 0 {
            kept.append(Array(wordPieces.prefix(budget)))
            budget -= kept[kept.count - 1].count
        }
        return row(kept, of: text, firstWord: 0, example: example, droppedWords: pieces.count - kept.count)
    }

    /// Rows of at most `maxSequenceLength` pieces covering every word of the text in order (a single word with more
    /// pieces than fit keeps only its first ones). A short text gives one row, equal to `encode(_:)`'s. With
    /// `overlapWords`, each row after the first repeats up to that many words from the end of the one before (for
    /// inference on long texts: `EncodedText.mergeSegments` then takes each word from the row where it has most context).
    public func segments(_ text: LabelledText, example: Int = 0, overlapWords: Int = 0) -> [EncodedText] {
        let budget = maxSequenceLength - 2
        let pieces = wordPieceIDs(text.words).map { Array($0.prefix(budget)) }
        var rows: [EncodedText] = []
        var start = 0
        repeat {
            var end = start, used = 0
            while end < pieces.count, end == start || used + pieces[end].count <= budget {
                used += pieces[end].count
                end += 1
            }
            rows.append(row(Array(pieces[start..<end]), of: text, firstWord: start, example: example, droppedWords: 0))
            if end >= pieces.count { break }
            start = max(start + 1, end - max(0, overlapWords))
        } while true
        return rows
    }

    /// Rows for many texts (`example` set to each text's index): truncated, or with `splitting`, segmented.
    public func encode(_ texts: [LabelledText], splitting: Bool = false) -> [EncodedText] {
        texts.enumerated().flatMap { index, text in
            splitting ? segments(text, example: index) : [encode(text, example: index)]
        }
    }

    /// A raw query for inference: whitespace-separated words, no labels, truncated.
    public func encode(query: String) -> EncodedText {
        encode(LabelledText(words: DataFile.words(query)))
    }

    /// The piece ids of each word; a word the tokenizer yields nothing for (control characters only) becomes `[UNK]`
    /// so that every word keeps a position.
    public func wordPieceIDs(_ words: [String]) -> [[Int]] {
        var result = Array(repeating: [Int](), count: words.count)
        for piece in tokenizer.pieces(words: words) { result[piece.wordIndex].append(piece.id) }
        for index in result.indices where result[index].isEmpty { result[index] = [tokenizer.wordPiece.unknownID] }
        return result
    }

    /// `[CLS] words [SEP]` for words `firstWord ..< firstWord + words.count` of `text`, labelled as `labelling` says.
    private func row(_ words: [[Int]], of text: LabelledText, firstWord: Int, example: Int,
                     droppedWords: Int) -> EncodedText {
        var ids = [tokenizer.clsID]
        var starts: [Int] = []
        let startEnd = text.wordLabels.indices.map { head in
            labelling.startEnd.flatMap { $0.indices.contains(head) ? $0[head] : nil } ?? TextBatch.ignoreIndex
        }
        var labels = startEnd.map { [$0] }
        for (offset, pieces) in words.enumerated() {
            starts.append(ids.count)
            ids += pieces
            for head in labels.indices {
                let label = text.wordLabels[head][firstWord + offset]
                labels[head].append(label)
                labels[head] += Array(repeating: labelling.extraPieces ? label : TextBatch.ignoreIndex, count: pieces.count - 1)
            }
        }
        ids.append(tokenizer.sepID)
        for head in labels.indices { labels[head].append(startEnd[head]) }
        return EncodedText(tokenIDs: ids, wordStarts: starts, sequenceLabel: text.sequenceLabel, tokenLabels: labels,
                           example: example, firstWord: firstWord, droppedWords: droppedWords)
    }
}
