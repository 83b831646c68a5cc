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

    public func state() -> [(String, Tensor)] {
        parameters.indices.flatMap { index -> [(String, Tensor)] in
            guard let m = firstMoments[index], let v = secondMoments[index] else { return [] }
            return [("\(index).exp_avg", m), ("\(index).exp_avg_sq", v), ("\(index).step", Tensor([Float(steps[index])], shape: [1]))]
        }
    }

    public func restore(_ tensors: [String: Tensor], source: String) throws {
        var state = OptimizerState(tensors, source: source, parameters: parameters)
        for index in parameters.indices {
            firstMoments[index] = try state.tensor(index, "exp_avg")
            secondMoments[index] = try state.tensor(index, "exp_avg_sq")
            steps[index] = Int(try state.scalar(index, "step") ?? 0)
        }
        try state.checkAllUsed()
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
            let constants = AdamStep(beta1: beta1, beta2: beta2, eps: eps, stepSize: stepSize, correction2: correction2,
                                     decay: decoupledWeightDecay ? 1 - learningRate * weightDecay : 1,
                                     l2: decoupledWeightDecay ? 0 : weightDecay)
            constants.apply(parameter.pointer, grad.pointer, m.pointer, v.pointer, count: parameter.count)
            withExtendedLifetime(grad) {}
        }
    }
}

/// One Adam update over a tensor's elements, 16 at a time (a branch-free loop the compiler cannot vectorize
/// on its own because of the square root and division).
private struct AdamStep {
    let beta1: Float, beta2: Float, eps: Float, stepSize: Float, correction2: Float
    /// Multiplier of p before the update (AdamW's decoupled decay) and L2 coefficient added to g (Adam's).
    let decay: Float, l2: Float

    func apply(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
               _ v: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        let rp = UnsafeMutableRawPointer(p), rg = UnsafeRawPointer(g), rm = UnsafeMutableRawPointer(m), rv = UnsafeMutableRawPointer(v)
        while i + 16 <= count {
            let offset = i * 4
            var pv = rp.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            let gv = rg.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self) + l2 * pv
            pv *= decay
            let mv = beta1 * rm.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self) + (1 - beta1) * gv
            let vv = beta2 * rv.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self) + (1 - beta2) * gv * gv
            pv -= stepSize * mv / (vv.squareRoot() / correction2 + eps)
            rm.storeBytes(of: mv, toByteOffset: offset, as: SIMD16<Float>.self)
            rv.storeBytes(of: vv, toByteOffset: offset, as: SIMD16<Float>.self)
            rp.storeBytes(of: pv, toByteOffset: offset, as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            let gi = g[i] + l2 * p[i]
            p[i] *= decay
            m[i] = beta1 * m[i] + (1 - beta1) * gi
            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
            p[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2 + eps)
            i += 1
        }
    }
}
