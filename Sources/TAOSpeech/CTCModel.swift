import TAODecoding
import TAOTensor

/// A CTC speech model (NeMo's EncDecCTCModel without its front end): encoder, decoder and the labels the
/// decoder's outputs stand for, the blank after the last. Parameters are named `encoder.*` and `decoder.*`.
public final class CTCModel: Module {
    public let encoder: ConvASREncoder
    public let decoder: ConvASRDecoder
    /// Output labels without the blank; the blank's index is `labels.count`.
    public let labels: [String]
    /// The labels and the blank, as the CTC decoders read them.
    public let ctcLabels: CTCLabels

    public init(encoder encoderSpec: EncoderSpec, decoder decoderSpec: DecoderSpec, rng: inout RandomGenerator) throws {
        encoder = try ConvASREncoder(encoderSpec, rng: &rng)
        guard decoderSpec.featIn == encoder.outputChannels else {
            throw ModelSpecError(path: "model.decoder.feat_in",
                                 reason: "is \(decoderSpec.featIn) but the encoder's last block has \(encoder.outputChannels) filters")
        }
        decoder = try ConvASRDecoder(decoderSpec, rng: &rng)
        labels = decoderSpec.vocabulary
        ctcLabels = try Self.ctcLabels(labels)
    }

    /// A model that keeps `model`'s encoder (its trained weights) with a new, randomly initialized decoder over
    /// `vocabulary` (finetuning to a new label set).
    public init(replacingDecoderOf model: CTCModel, vocabulary: [String], rng: inout RandomGenerator) throws {
        encoder = model.encoder
        decoder = try ConvASRDecoder(DecoderSpec(featIn: model.encoder.outputChannels, vocabulary: vocabulary), rng: &rng)
        labels = vocabulary
        ctcLabels = try Self.ctcLabels(labels)
    }

    /// The labels with the blank after the last: subwords when a label starts with `▁` or `##`
    /// (a SentencePiece or WordPiece vocabulary), characters otherwise.
    private static func ctcLabels(_ labels: [String]) throws -> CTCLabels {
        do {
            let subwords = labels.contains { $0.hasPrefix("▁") || $0.hasPrefix("##") }
            return try CTCLabels(labels + ["<blank>"], kind: subwords ? .subwords : .characters)
        } catch {
            throw ModelSpecError(path: "model.labels", reason: "\(error)")
        }
    }

    public var children: [(String, any Module)] { [("encoder", encoder), ("decoder", decoder)] }

    /// The blank's class index (last).
    public var blank: Int { decoder.classes - 1 }

    /// features: `[batch, features, time]` -> log-probabilities `[batch, time', classes]` and valid lengths.
    public func callAsFunction(_ features: Tensor, lengths: [Int]) -> (logProbs: Tensor, lengths: [Int]) {
        let (encoded, encodedLengths) = encoder(features, lengths: lengths)
        return (decoder(encoded), encodedLengths)
    }

    /// The labels of a transcript, or nil when it has a character outside them.
    public func encode(_ transcript: String) -> [Int]? {
        let index = Dictionary(labels.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        var ids: [Int] = []
        for character in transcript {
            guard let id = index[String(character)] else { return nil }
            ids.append(id)
        }
        return ids
    }

    /// Greedy CTC decoding of one utterance of a batch: its words with frame spans and confidences.
    public func greedyWords(_ logProbs: Tensor, item: Int, length: Int) -> [DecodedWord] {
        let (time, classes) = (logProbs.shape[1], logProbs.shape[2])
        let values = logProbs.contiguous()
        let frames = min(max(length, 0), time)
        let buffer = UnsafeBufferPointer(start: values.pointer + item * time * classes, count: frames * classes)
        return CTCGreedyDecoder(labels: ctcLabels).decode(LogProbabilities(buffer, frames: frames, labels: classes))
    }

    /// Greedy CTC transcript of one utterance of a batch: its words joined by spaces.
    public func greedyTranscript(_ logProbs: Tensor, item: Int, length: Int) -> String {
        greedyWords(logProbs, item: item, length: length).map(\.word).joined(separator: " ")
    }
}
