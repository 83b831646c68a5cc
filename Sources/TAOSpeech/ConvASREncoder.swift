import TAOTensor

/// NeMo's ConvASREncoder: the `model.encoder.jasper` blocks in order, each a `JasperBlock`.
/// Parameters are named `encoder.<block>.<...>` as in NeMo.
public final class ConvASREncoder: Module {
    let blocks: [JasperBlock]
    /// Channels of the last block's output.
    public let outputChannels: Int
    /// Total time subsampling (the product of the blocks' strides).
    public let subsampling: Int

    /// Builds the encoder of `spec`; throws `ModelSpecError` naming the offending key.
    public init(_ spec: EncoderSpec, rng: inout RandomGenerator) throws {
        guard !spec.jasper.isEmpty else { throw ModelSpecError(path: "model.encoder.jasper", reason: "has no blocks") }
        guard spec.featIn >= 1 else { throw ModelSpecError(path: "model.encoder.feat_in", reason: "must be positive") }
        let activation = try Activation(named: spec.activation)
        var blocks: [JasperBlock] = []
        var panes: [Int] = []  // channels of the inputs a dense-residual block adds from
        var channels = spec.featIn, subsampling = 1
        for (index, block) in spec.jasper.enumerated() {
            if block.residualDense { panes.append(channels) } else { panes = [channels] }
            blocks.append(try JasperBlock(block, path: "model.encoder.jasper.\(index)", inChannels: channels,
                                          residualChannels: block.residualDense ? panes : [channels],
                                          activation: activation, useMask: spec.convMask, rng: &rng))
            channels = block.filters
            subsampling *= block.stride.first ?? 1
        }
        self.blocks = blocks
        blockList = IndexedModules(ordered: blocks)
        outputChannels = channels
        self.subsampling = subsampling
    }

    public var children: [(String, any Module)] { [("encoder", blockList)] }
    private let blockList: IndexedModules

    /// features: `[batch, featIn, time]` with `lengths` valid frames -> `[batch, outputChannels, time']`, lengths'.
    public func callAsFunction(_ features: Tensor, lengths: [Int]) -> (Tensor, [Int]) {
        var panes: [(Tensor, [Int])] = [(features, lengths)]
        for block in blocks {
            let output = block(panes)
            panes = block.isDenseResidual ? panes + [output] : [output]
        }
        return panes[panes.count - 1]
    }
}
