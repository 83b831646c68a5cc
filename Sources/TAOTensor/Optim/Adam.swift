import Foundation

/// Adam and AdamW as PyTorch implements them. With t the step: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
/// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). Weight decay is L2 (g += d p) for Adam and
/// decoupled (p *= 1 - lr d, before the update) for AdamW.
public final class Adam: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    /// True for AdamW's decoupled weight decay.
    public let decoupledWeightDecay: Bool
    private var firstMoments: [Tensor?], secondMoments: [Tensor?]
    private var steps: [Int]

    /// Adam (L2 weight decay) with PyTorch's defaults.
    public init(parameters: [Tensor], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8,
                weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        (beta1, beta2) = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        firstMoments = Array(repeating: nil, count: parameters.count)
        secondMoments = Array(repeating: nil, count: parameters.count)
        steps = Array(repeating: 0, count: parameters.count)
    }

    /// AdamW: Adam with decoupled weight decay (PyTorch's default decay 0.01).
    public static func adamW(parameters: [Tensor], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                             eps: Float = 1e-8, weightDecay: Float = 0.01) -> Adam {
        Adam(parameters: parameters, learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay,
             decoupledWeightDecay: true)
    }

    public func step() {
        for (index, parameter) in parameters.enumerated() {
            guard let grad = parameter.grad?.contiguousValues() else { continue }
            steps[index] += 1
            let m = firstMoments[index] ?? Tensor(zeros: parameter.shape)
            let v = secondMoments[index] ?? Tensor(zeros: parameter.shape)
            firstMoments[index] = m
            secondMoments[index] = v
            let t = Double(steps[index])
            let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), t)))
            let correction2 = Float((1 - pow(Double(beta2), t)).squareRoot())
            let p = parameter.pointer, g = grad.pointer, mp = m.pointer, vp = v.pointer
            let (b1, b2, wd, lr, epsilon, decoupled) = (beta1, beta2, weightDecay, learningRate, eps, decoupledWeightDecay)
            for i in 0..<parameter.count {
                var gi = g[i]
                if decoupled { p[i] *= 1 - lr * wd } else { gi += wd * p[i] }
                mp[i] = b1 * mp[i] + (1 - b1) * gi
                vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
                p[i] -= stepSize * mp[i] / (vp[i].squareRoot() / correction2 + epsilon)
            }
        }
    }
}
