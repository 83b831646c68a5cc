/// Scales all gradients together so their global L2 norm is at most `maxNorm` (PyTorch's
/// `clip_grad_norm_`: factor maxNorm / (norm + 1e-6) when below 1). Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    let gradients = parameters.compactMap(\.grad)
    let norm = Float(gradients.reduce(0) { $0 + OptimizerMath.squaredNorm($1.contiguousValues()) }.squareRoot())
    let factor = maxNorm / (norm + 1e-6)
    if factor < 1 {
        for gradient in gradients {
            let p = gradient.pointer
            for i in 0..<gradient.count { p[i] *= factor }
        }
    }
    return norm
}
