import TAOTensor

/// NeMo's ConvASRDecoder: a 1x1 convolution (with bias) from the encoder's channels to the vocabulary plus
/// the CTC blank (last), then a log-softmax. Parameters `decoder_layers.0.weight` / `.bias`.
public final class ConvASRDecoder: Module {
    let conv: Conv1d
    /// Output classes: the vocabulary and the blank.
    public let classes: Int

    public init(_ spec: DecoderSpec, rng: inout RandomGenerator) throws {
        let labels = spec.numClasses > 0 ? spec.numClasses : spec.vocabulary.count
        guard labels >= 1 else { throw ModelSpecError(path: "model.decoder.vocabulary", reason: "is empty") }
        guard spec.numClasses <= 0 || spec.vocabulary.isEmpty || spec.numClasses == spec.vocabulary.count else {
            throw ModelSpecError(path: "model.decoder.num_classes",
                                 reason: "\(spec.numClasses) differs from the \(spec.vocabulary.count) labels of the vocabulary")
        }
        classes = labels + 1
        conv = Conv1d(inChannels: spec.featIn, outChannels: classes, kernelSize: 1, bias: true, rng: &rng)
        layers = IndexedModules(ordered: [conv])
    }

    public var children: [(String, any Module)] { [("decoder_layers", layers)] }
    private let layers: IndexedModules

    /// encoded: `[batch, channels, time]` -> log-probabilities `[batch, time, classes]` (contiguous).
    public func callAsFunction(_ encoded: Tensor) -> Tensor {
        conv(encoded).transposed(1, 2).contiguous().logSoftmax(axis: -1)
    }
}
