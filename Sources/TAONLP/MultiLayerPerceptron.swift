import TAOTensor

/// The activation between the hidden layers of a head (NeMo's `activation` key).
public enum HeadActivation: String, Sendable, Codable, CaseIterable {
    case relu, gelu, tanh

    func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: x.relu()
        case .gelu: x.gelu()
        case .tanh: x.tanh()
        }
    }
}

/// NeMo's `MultiLayerPerceptron`: `layers - 1` hidden-size linear layers, each followed by the activation, then a
/// linear layer to the classes. Parameters are named as NeMo's (`layer0`, `layer2`, ...; the activations take
/// the odd numbers), so NeMo checkpoints' head tensors keep their names.
public final class MultiLayerPerceptron: Module {
    public let linears: [Linear]
    public let activation: HeadActivation

    /// Weights normal(0, 0.02) and biases 0 (NeMo's `use_transformer_init`).
    public init(hidden: Int, classes: Int, layers: Int, activation: HeadActivation, rng: inout RandomGenerator) {
        precondition(layers >= 1, "a head needs at least one layer, got \(layers)")
        var linears: [Linear] = []
        for index in 0..<layers {
            let out = index == layers - 1 ? classes : hidden
            linears.append(Linear(weight: .normal([out, hidden], std: 0.02, requiresGrad: true, rng: &rng),
                                  bias: Tensor(zeros: [out], requiresGrad: true)))
        }
        self.linears = linears
        self.activation = activation
    }

    public var children: [(String, any Module)] { linears.enumerated().map { ("layer\(2 * $0.offset)", $0.element) } }

    /// x: `[..., hidden]` -> logits `[..., classes]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var y = x
        for (index, linear) in linears.enumerated() {
            y = linear(y)
            if index < linears.count - 1 { y = activation(y) }
        }
        return y
    }
}

/// The settings of one classification head (NeMo's `num_output_layers`/`num_fc_layers`, `fc_dropout`, `activation`).
public struct HeadConfig: Sendable, Equatable {
    /// Linear layers, the last one to the classes.
    public var layers: Int
    /// Dropout on the encoder output before the head, in training.
    public var dropout: Float
    public var activation: HeadActivation

    public init(layers: Int = 2, dropout: Float = 0.1, activation: HeadActivation = .relu) {
        self.layers = layers
        self.dropout = dropout
        self.activation = activation
    }

    /// Throws when a value is out of range (`name` is the spec section, for the message).
    public func validate(name: String) throws {
        if layers < 1 { throw BertError.badOption(name: "\(name).layers", value: "\(layers)", reason: "a head needs at least one layer") }
        if !(dropout >= 0 && dropout < 1) {
            throw BertError.badOption(name: "\(name).fc_dropout", value: "\(dropout)", reason: "a dropout probability is in [0, 1)")
        }
    }
}
