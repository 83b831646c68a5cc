import TAOTensor

/// The activations NeMo's convolutional encoders offer.
enum Activation: String, CaseIterable {
    case relu, swish, tanh, hardtanh, gelu

    init(named name: String) throws {
        guard let activation = Activation(rawValue: name) else {
            throw ModelSpecError(path: "model.encoder.activation",
                                 reason: "'\(name)' is not one of \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = activation
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: x.relu()
        case .swish: x.silu()
        case .tanh: x.tanh()
        case .hardtanh: x.hardtanh(minimum: 0, maximum: 20)
        case .gelu: x.gelu()
        }
    }
}
