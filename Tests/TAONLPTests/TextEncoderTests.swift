import Testing
@testable import TAONLP
import TAOTensor
import TAOText

@Suite("encoding to TextBatch") struct TextEncoderTests {
    let ignore = TextBatch.ignoreIndex
    // Fixture vocabulary ids: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, play 24, song 25, ##s 27, un 29, ##believ 30, ##able 31.
    let text = LabelledText(words: ["play", "songs", "unbelievable"], sequenceLabel: 4, wordLabels: [[1, 2, 3], [0, 1, 0]])

    @Test("labels sit on each word's first piece; other pieces, [CLS] and [SEP] get ignoreIndex")
    func labelsOnFirstPieces() throws {
        let row = try TextEncoder(tokenizer: testTokenizer()).encode(text)
        #expect(row.tokenIDs == [2, 24, 25, 27, 29, 30, 31, 3])
        #expect(row.wordStarts == [1, 2, 4])
        #expect(row.tokenLabels[0] == [ignore, 1, 2, ignore, 3, ignore, ignore, ignore])
        #expect(row.tokenLabels[1] == [ignore, 0, 1, ignore, 0, ignore, ignore, ignore])
        #expect(row.sequenceLabel == 4)
        #expect(row.droppedWords == 0)
        #expect(row.wordValues(row.tokenLabels[0]) == [1, 2, 3])
    }

    @Test("ignore_extra_tokens and ignore_start_end false: every piece carries its word's label, [CLS]/[SEP] the pad label")
    func labelsOnEveryPiece() throws {
        let tokenizer = try testTokenizer()
        let every = try TextEncoder(tokenizer: tokenizer, labelling: PieceLabelling(extraPieces: true, startEnd: nil)).encode(text)
        #expect(every.tokenLabels[0] == [ignore, 1, 2, 2, 3, 3, 3, ignore])
        #expect(every.tokenLabels[1] == [ignore, 0, 1, 1, 0, 0, 0, ignore])
        let ends = try TextEncoder(tokenizer: tokenizer, labelling: PieceLabelling(extraPieces: false, startEnd: [7, 8])).encode(text)
        #expect(ends.tokenLabels[0] == [7, 1, 2, ignore, 3, ignore, ignore, 7])
        #expect(ends.tokenLabels[1] == [8, 0, 1, ignore, 0, ignore, ignore, 8])
        // Predictions are read at first pieces whatever the labelling; an unlabelled query gets no label rows.
        #expect(every.wordStarts == [1, 2, 4] && every.wordValues(every.tokenLabels[0]) == [1, 2, 3])
        let query = try TextEncoder(tokenizer: tokenizer, labelling: PieceLabelling(extraPieces: true, startEnd: [7, 8]))
            .encode(query: "play songs")
        #expect(query.tokenLabels.isEmpty)
    }

    @Test("truncation keeps [CLS] ... [SEP] within max_seq_length and counts dropped words")
    func truncation() throws {
        let five = try TextEncoder(tokenizer: testTokenizer(), maxSequenceLength: 5).encode(text)
        #expect(five.tokenIDs == [2, 24, 25, 27, 3])
        #expect(five.wordStarts == [1, 2])
        #expect(five.droppedWords == 1)
        let four = try TextEncoder(tokenizer: testTokenizer(), maxSequenceLength: 4).encode(text)
        #expect(four.tokenIDs == [2, 24, 25, 3])  // "songs" cut inside keeps its first piece and label
        #expect(four.tokenLabels[0] == [ignore, 1, 2, ignore])
        #expect(four.droppedWords == 1)
        #expect(dataError { _ = try TextEncoder(tokenizer: testTokenizer(), maxSequenceLength: 2) }
            == .badOption(name: "max_seq_length", value: "2", expected: "at least 3 ([CLS], one piece, [SEP])"))
    }

    @Test("long texts split into segments at word boundaries, each within max_seq_length, covering every word")
    func segments() throws {
        let encoder = try TextEncoder(tokenizer: testTokenizer(), maxSequenceLength: 5)
        let rows = encoder.segments(text, example: 7)
        #expect(rows.map(\.tokenIDs) == [[2, 24, 25, 27, 3], [2, 29, 30, 31, 3]])
        #expect(rows.map(\.firstWord) == [0, 2])
        #expect(rows.map(\.example) == [7, 7])
        #expect(rows[1].tokenLabels[0] == [ignore, 3, ignore, ignore, ignore])
        let words = rows.flatMap { $0.wordValues($0.tokenLabels[0]) }
        #expect(words == text.wordLabels[0])
        let short = try TextEncoder(tokenizer: testTokenizer()).segments(text)
        #expect(short == [try TextEncoder(tokenizer: testTokenizer()).encode(text)])
    }

    @Test("a word with no pieces becomes [UNK] so every word keeps a position")
    func emptyWord() throws {
        let row = try TextEncoder(tokenizer: testTokenizer()).encode(LabelledText(words: ["play", "\u{7}", "song"]))
        #expect(row.tokenIDs == [2, 24, 1, 25, 3])
        #expect(row.wordStarts == [1, 2, 3])
    }

    @Test("raw queries: whitespace words, no labels")
    func query() throws {
        let row = try TextEncoder(tokenizer: testTokenizer()).encode(query: "  Play   songs ")
        #expect(row.tokenIDs == [2, 24, 25, 27, 3])
        #expect(row.wordStarts == [1, 2])
        #expect(row.tokenLabels.isEmpty && row.sequenceLabel == nil)
    }

    @Test("a batch pads to its longest row with [PAD], type 0 and ignoreIndex labels")
    func batchPadding() throws {
        let encoder = try TextEncoder(tokenizer: testTokenizer())
        let rows = encoder.encode([text, LabelledText(words: ["play"], sequenceLabel: 1, wordLabels: [[5], [1]])])
        let batch = TextBatch(rows: rows, padID: 0)
        #expect(batch.batchSize == 2 && batch.length == 8)
        #expect(batch.lengths == [8, 3])
        #expect(Array(batch.tokenIDs[8...]) == [2, 24, 3, 0, 0, 0, 0, 0])
        #expect(Array(batch.tokenLabels[0][8...]) == [ignore, 5, ignore, ignore, ignore, ignore, ignore, ignore])
        #expect(batch.typeIDs == Array(repeating: 0, count: 16))
        #expect(batch.sequenceLabels == [4, 1])
        #expect(batch.wordStarts == [[1, 2, 4], [1]])
        #expect(batch.wordValues(batch.tokenLabels[1], row: 1) == [1])
    }

    @Test("seeded shuffling is reproducible and covers every row once")
    func shuffling() throws {
        let rows = (0..<23).map { EncodedText(tokenIDs: Array(repeating: 5, count: 3 + $0 % 7), wordStarts: [1], example: $0) }
        let batcher = try TextBatcher(rows: rows, batchSize: 4, padID: 0)
        var a = RandomGenerator(seed: 1), b = RandomGenerator(seed: 1), c = RandomGenerator(seed: 2)
        let first = batcher.shuffledBatchIndices(using: &a)
        #expect(first == batcher.shuffledBatchIndices(using: &b))
        #expect(first != batcher.shuffledBatchIndices(using: &c))
        #expect(first.flatMap { $0 }.sorted() == Array(0..<23))
        #expect(first.map(\.count).sorted() == [3, 4, 4, 4, 4, 4])
        #expect(batcher.orderedBatchIndices().flatMap { $0 } == Array(0..<23))
        #expect(batcher.batchCount == 6)
        let sorted = batcher.lengthSortedBatchIndices()
        #expect(sorted.flatMap { $0 }.sorted() == Array(0..<23))
        #expect(sorted.flatMap { $0 }.map { rows[$0].count } == rows.map(\.count).sorted())
        #expect(dataError { _ = try TextBatcher(rows: rows, batchSize: 0, padID: 0) }
            == .badOption(name: "batch_size", value: "0", expected: "at least 1"))
    }

    @Test("bucketing puts rows of similar length together: less padding than plain shuffling")
    func bucketing() throws {
        var lengthGenerator = RandomGenerator(seed: 3)
        let rows = (0..<200).map { _ in
            EncodedText(tokenIDs: Array(repeating: 5, count: 3 + Int(lengthGenerator.next() % 60)), wordStarts: [1])
        }
        func padding(_ batcher: TextBatcher) -> Int {
            var generator = RandomGenerator(seed: 9)
            return batcher.shuffledBatches(using: &generator).map { $0.batchSize * $0.length - $0.lengths.reduce(0, +) }
                .reduce(0, +)
        }
        let plain = try TextBatcher(rows: rows, batchSize: 8, padID: 0)
        let bucketed = try TextBatcher(rows: rows, batchSize: 8, padID: 0, bucketing: true, bucketWindow: 25)
        var generator = RandomGenerator(seed: 9)
        #expect(bucketed.shuffledBatchIndices(using: &generator).flatMap { $0 }.sorted() == Array(0..<200))
        #expect(padding(bucketed) * 4 < padding(plain))
    }
}

@Test("punctuation queries are lowercased and stripped of punctuation before encoding")
func punctuationQueryWords() {
    #expect(PunctuationCapitalizationData.queryWords("Well, Mr. Knightley -- \"what?\"") == ["well", "mr", "knightley", "what"])
}

@Test("overlapping segments cover every word; merging takes each word from the row where it has most context")
func overlappingSegments() throws {
    let words = (0..<12).map { ["play", "song", "list", "boston", "denver"][$0 % 5] }
    let text = LabelledText(words: words, wordLabels: [Array(0..<12)])
    let encoder = try TextEncoder(tokenizer: testTokenizer(), maxSequenceLength: 7)  // 5 words per row
    let rows = encoder.segments(text, overlapWords: 2)
    #expect(rows.map(\.firstWord) == [0, 3, 6, 9])
    #expect(rows.allSatisfy { $0.count <= 7 })
    let values = rows.map { $0.wordValues($0.tokenLabels[0]) }
    #expect(values[1] == [3, 4, 5, 6, 7])
    #expect(EncodedText.mergeSegments(rows, values: values) == Array(0..<12))
    // Which row each word came from: word 4 sits at the edge of row 0 but in the middle of row 1.
    let origin = EncodedText.mergeSegments(rows, values: rows.indices.map { Array(repeating: $0, count: rows[$0].wordStarts.count) })
    #expect(origin == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3])
    #expect(encoder.segments(text) == encoder.segments(text, overlapWords: 0))
    #expect(encoder.segments(text).map(\.firstWord) == [0, 5, 10])
}
