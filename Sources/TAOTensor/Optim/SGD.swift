/// Stochastic gradient descent as PyTorch's `torch.optim.SGD`: with weight decay d, g = g + d p; with momentum
/// mu, b = g on the first step else mu b + (1 - dampening) g, and g = g + mu b (Nesterov) or b; p -= lr g.
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let momentum: Float, dampening: Float, weightDecay: Float, nesterov: Bool
    private var buffers: [Tensor?]

    /// Plain SGD by default.
    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        buffers = Array(repeating: nil, count: parameters.count)
    }

    public func state() -> [(String, Tensor)] {
        parameters.indices.compactMap { index in buffers[index].map { ("\(index).momentum_buffer", $0) } }
    }

    public func restore(_ tensors: [String: Tensor], source: String) throws {
        var state = OptimizerState(tensors, source: source, parameters: parameters)
        for index in parameters.indices { buffers[index] = try state.tensor(index, "momentum_buffer") }
        try state.checkAllUsed()
    }

    public func step() {
        for (index, parameter) in parameters.enumerated() {
            guard let grad = parameter.grad?.contiguousValues() else { continue }
            let p = parameter.pointer, g = grad.pointer
            let (mu, wd, lr, damp) = (momentum, weightDecay, learningRate, dampening)
            guard mu != 0 else {
                for i in 0..<parameter.count { p[i] -= lr * (g[i] + wd * p[i]) }
                continue
            }
            let first = buffers[index] == nil
            let buffer = buffers[index] ?? Tensor(zeros: parameter.shape)
            buffers[index] = buffer
            let b = buffer.pointer
            for i in 0..<parameter.count {
                let decayed = g[i] + wd * p[i]
                b[i] = first ? decayed : mu * b[i] + (1 - damp) * decayed
                p[i] -= lr * (nesterov ? decayed + mu * b[i] : b[i])
            }
        }
    }
}
