/// Novograd as NeMo 1.x implements it (layer-wise second moments, no bias correction), per parameter tensor:
/// v = ||g||^2 on the first step, else b2 v + (1 - b2) ||g||^2; g' = g / (sqrt(v) + eps) + wd p;
/// m = b1 m + g' (times 1 - b1 first when `gradAveraging`); p -= lr m.
public final class Novograd: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float, gradAveraging: Bool
    private var momentum: [Tensor?]
    private var secondMoment: [Float]
    private var steps: [Int]

    /// QuartzNet's defaults are lr 0.01, betas (0.8, 0.5), weight decay 0.001.
    public init(parameters: [Tensor], learningRate: Float, betas: (Float, Float) = (0.95, 0.98), eps: Float = 1e-8,
                weightDecay: Float = 0, gradAveraging: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        (beta1, beta2) = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.gradAveraging = gradAveraging
        momentum = Array(repeating: nil, count: parameters.count)
        secondMoment = Array(repeating: 0, count: parameters.count)
        steps = Array(repeating: 0, count: parameters.count)
    }

    public func state() -> [(String, Tensor)] {
        parameters.indices.flatMap { index -> [(String, Tensor)] in
            guard let m = momentum[index] else { return [] }
            return [("\(index).exp_avg", m), ("\(index).exp_avg_sq", Tensor([secondMoment[index]], shape: [1])),
                    ("\(index).step", Tensor([Float(steps[index])], shape: [1]))]
        }
    }

    public func restore(_ tensors: [String: Tensor], source: String) throws {
        var state = OptimizerState(tensors, source: source, parameters: parameters)
        for index in parameters.indices {
            momentum[index] = try state.tensor(index, "exp_avg")
            secondMoment[index] = try state.scalar(index, "exp_avg_sq") ?? 0
            steps[index] = Int(try state.scalar(index, "step") ?? 0)
        }
        try state.checkAllUsed()
    }

    public func step() {
        for (index, parameter) in parameters.enumerated() {
            guard let grad = parameter.grad?.contiguousValues() else { continue }
            let norm = Float(OptimizerMath.squaredNorm(grad))
            secondMoment[index] = steps[index] == 0 ? norm : beta2 * secondMoment[index] + (1 - beta2) * norm
            steps[index] += 1
            let m = momentum[index] ?? Tensor(zeros: parameter.shape)
            momentum[index] = m
            let scale = 1 / (secondMoment[index].squareRoot() + eps)
            let averaging: Float = gradAveraging ? 1 - beta1 : 1
            let p = parameter.pointer, g = grad.pointer, mp = m.pointer
            let (b1, wd, lr) = (beta1, weightDecay, learningRate)
            for i in 0..<parameter.count {
                let update = (g[i] * scale + wd * p[i]) * averaging
                mp[i] = b1 * mp[i] + update
                p[i] -= lr * mp[i]
            }
        }
    }
}
