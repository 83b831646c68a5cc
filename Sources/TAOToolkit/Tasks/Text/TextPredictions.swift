import Foundation
import TAONLP
import TAOText

/// A text model's predictions for a list of texts, mapped back from encoded rows to each text's words.
struct TextPredictions {
    /// Per text, every sequence class's probability (empty for token tasks).
    var sequenceDistributions: [[Float]]
    /// Per token head, per text, per word, every class's probability (empty for words a truncation dropped).
    var tokenDistributions: [[[[Float]]]]
    /// Per token head, the decoder of its IOB2 tag set (nil for other heads, e.g. punctuation).
    let tagDecoders: [IOBTagDecoder?]
    /// Per token head, the label a word without a prediction gets: `O` (no mark, no capital, no entity).
    let outsideLabels: [Int]

    /// Per text: the most probable sequence label and its probability (nil for token tasks).
    var sequence: [(label: Int, probability: Float)?] { sequenceDistributions.map { $0.isEmpty ? nil : Self.best($0) } }

    /// Per token head, per text, per word: the predicted label and its probability (the `O` label with probability
    /// 0 for words a truncation dropped). A head with IOB2 tags gets the most probable valid tag sequence of each
    /// text; any other head, each word's most probable label.
    var tokens: [[[(label: Int, probability: Float)]]] {
        zip(tokenDistributions, zip(tagDecoders, outsideLabels)).map { head, decoding in
            let (decoder, outside) = decoding
            return head.map { text in
                guard let decoder else { return text.map { $0.isEmpty ? (outside, 0) : Self.best($0) } }
                return zip(text, decoder.decode(text)).map { distribution, label in
                    (label, distribution.indices.contains(label) ? distribution[label] : 0)
                }
            }
        }
    }

    private static func best(_ distribution: [Float]) -> (label: Int, probability: Float) {
        let label = distribution.indices.max { distribution[$0] < distribution[$1] } ?? 0
        return (label, distribution[label])
    }

    /// Runs `model` over `texts` in batches, in order (one token head per `tokenLabels` entry); long texts are cut
    /// into segments when `segmenting`, so every word gets a prediction, else truncated as in training. Throws
    /// `ValidationStopped` before a batch once `stop` is set.
    static func predict(_ model: any TextTaskModel, texts: [LabelledText], encoder: TextEncoder, tokenLabels: [LabelVocabulary],
                        segmenting: Bool, batchSize: Int, stop: StopRequest? = nil) throws -> TextPredictions {
        let rows = encoder.encode(texts, splitting: segmenting)
        let batcher = try TextBatcher(rows: rows, batchSize: max(batchSize, 1), padID: encoder.tokenizer.padID)
        let heads = tokenLabels.count
        var result = TextPredictions(sequenceDistributions: Array(repeating: [], count: texts.count),
                                     tokenDistributions: Array(repeating: texts.map { Array(repeating: [], count: $0.words.count) }, count: heads),
                                     tagDecoders: tokenLabels.map { IOBTagDecoder(labels: $0.labels) },
                                     outsideLabels: tokenLabels.map { IOBTagDecoder.outsideLabel(of: $0.labels) })
        for indices in batcher.orderedBatchIndices() {
            try ValidationStopped.check(stop)
            let prediction = model.predict(batcher.batch(indices))
            for (row, index) in indices.enumerated() {
                let encoded = rows[index]
                if !prediction.sequenceProbabilities.isEmpty {
                    result.sequenceDistributions[encoded.example] = prediction.sequenceProbabilities[row]
                }
                for head in 0..<min(heads, prediction.tokenProbabilities.count) {
                    for (offset, start) in encoded.wordStarts.enumerated() {
                        result.tokenDistributions[head][encoded.example][encoded.firstWord + offset] = prediction.tokenProbabilities[head][row][start]
                    }
                }
            }
        }
        return result
    }
}
