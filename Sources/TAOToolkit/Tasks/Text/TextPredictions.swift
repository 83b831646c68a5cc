import Foundation
import TAONLP
import TAOText

/// A text model's predictions for a list of texts, mapped back from encoded rows to each text's words.
struct TextPredictions {
    /// Per text: the sequence label id and its probability (nil for token tasks).
    var sequence: [(label: Int, probability: Float)?]
    /// Per token head, per text, per word: label id and probability (words a truncation dropped get label 0).
    var tokens: [[[(label: Int, probability: Float)]]]
    /// Per text, every sequence class's probability (empty for token tasks).
    var sequenceDistributions: [[Float]]
    /// Per token head, per text, per word, every class's probability (empty for words a truncation dropped).
    var tokenDistributions: [[[[Float]]]]

    /// Runs `model` over `texts` in batches, in order; long texts are cut into segments when `segmenting`, so
    /// every word gets a prediction, else truncated as in training.
    static func predict(_ model: any TextTaskModel, texts: [LabelledText], encoder: TextEncoder, heads: Int,
                        segmenting: Bool, batchSize: Int) throws -> TextPredictions {
        let rows = encoder.encode(texts, splitting: segmenting)
        let batcher = try TextBatcher(rows: rows, batchSize: max(batchSize, 1), padID: encoder.tokenizer.padID)
        var result = TextPredictions(sequence: Array(repeating: nil, count: texts.count),
                                     tokens: Array(repeating: texts.map { Array(repeating: (0, 0), count: $0.words.count) }, count: heads),
                                     sequenceDistributions: Array(repeating: [], count: texts.count),
                                     tokenDistributions: Array(repeating: texts.map { Array(repeating: [], count: $0.words.count) }, count: heads))
        for indices in batcher.orderedBatchIndices() {
            let batch = batcher.batch(indices)
            let prediction = model.predict(batch)
            for (row, index) in indices.enumerated() {
                let encoded = rows[index]
                if !prediction.sequenceProbabilities.isEmpty {
                    let probabilities = prediction.sequenceProbabilities[row]
                    let label = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
                    result.sequence[encoded.example] = (label, probabilities[label])
                    result.sequenceDistributions[encoded.example] = probabilities
                }
                for head in 0..<min(heads, prediction.tokenProbabilities.count) {
                    for (offset, word) in prediction.wordLabels(head: head, row: row, wordStarts: encoded.wordStarts).enumerated() {
                        result.tokens[head][encoded.example][encoded.firstWord + offset] = word
                        result.tokenDistributions[head][encoded.example][encoded.firstWord + offset] =
                            prediction.tokenProbabilities[head][row][encoded.wordStarts[offset]]
                    }
                }
            }
        }
        return result
    }
}
