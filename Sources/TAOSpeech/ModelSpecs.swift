/// The encoder and decoder blocks of a CTC speech model, as the spec's `model.encoder` and `model.decoder`
/// give them (NeMo's ConvASREncoder and ConvASRDecoder keys, camel-cased).

/// One entry of `model.encoder.jasper`.
public struct JasperBlockSpec: Codable, Equatable, Sendable {
    public var filters: Int
    public var `repeat`: Int
    public var kernel: [Int]
    public var stride: [Int]
    public var dilation: [Int]
    public var dropout: Double
    public var residual: Bool
    public var groups: Int
    public var separable: Bool
    public var residualMode: String
    public var residualDense: Bool
    public var se: Bool
    public var seReductionRatio: Int
    public var seContextSize: Int
    public var kernelSizeFactor: Double
    public var strideLast: Bool

    /// A block with NeMo's defaults for everything but its shape.
    public init(filters: Int, repeat: Int = 1, kernel: Int, stride: Int = 1, dilation: Int = 1, dropout: Double = 0,
                residual: Bool = false, separable: Bool = true, residualDense: Bool = false, se: Bool = false,
                seReductionRatio: Int = 8, residualMode: String = "add", strideLast: Bool = false) {
        self.filters = filters
        self.repeat = `repeat`
        self.kernel = [kernel]
        self.stride = [stride]
        self.dilation = [dilation]
        self.dropout = dropout
        self.residual = residual
        self.groups = 1
        self.separable = separable
        self.residualMode = residualMode
        self.residualDense = residualDense
        self.se = se
        self.seReductionRatio = seReductionRatio
        self.seContextSize = -1
        self.kernelSizeFactor = 1
        self.strideLast = strideLast
    }
}

/// `model.encoder`: a QuartzNet/Jasper/Citrinet block list.
public struct EncoderSpec: Codable, Equatable, Sendable {
    public var featIn: Int
    public var activation: String
    public var convMask: Bool
    public var jasper: [JasperBlockSpec]

    public init(featIn: Int, activation: String = "relu", convMask: Bool = true, jasper: [JasperBlockSpec]) {
        self.featIn = featIn
        self.activation = activation
        self.convMask = convMask
        self.jasper = jasper
    }
}

/// `model.decoder`: the 1x1 convolution to the labels plus the blank.
public struct DecoderSpec: Codable, Equatable, Sendable {
    public var featIn: Int
    public var numClasses: Int
    public var vocabulary: [String]

    public init(featIn: Int, numClasses: Int = -1, vocabulary: [String]) {
        self.featIn = featIn
        self.numClasses = numClasses
        self.vocabulary = vocabulary
    }
}
