import Foundation

/// Pointwise activation functions, each beside its derivative.

enum ReLUKernel: UnaryKernel { @inline(__always) static func apply(_ x: Float) -> Float { x > 0 ? x : 0 } }
/// g * 1[y > 0], from the ReLU output y.
enum ReLUGradKernel: BinaryKernel { @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { y > 0 ? g : 0 } }

enum SigmoidKernel: UnaryKernel { @inline(__always) static func apply(_ x: Float) -> Float { 1 / (1 + (-x).exp) } }
/// g * y (1 - y), from the sigmoid output y.
enum SigmoidGradKernel: BinaryKernel { @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { g * y * (1 - y) } }

enum TanhKernel: UnaryKernel { @inline(__always) static func apply(_ x: Float) -> Float { Foundation.tanhf(x) } }
/// g * (1 - y^2), from the tanh output y.
enum TanhGradKernel: BinaryKernel { @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { g * (1 - y * y) } }

/// GELU, erf form: x Phi(x) with Phi the standard normal CDF.
enum GELUKernel: UnaryKernel {
    @inline(__always) static func apply(_ x: Float) -> Float { 0.5 * x * (1 + Foundation.erff(x * 0.70710678)) }
}
/// g * (Phi(x) + x phi(x)), from the input x.
enum GELUGradKernel: BinaryKernel {
    @inline(__always) static func apply(_ g: Float, _ x: Float) -> Float {
        let cdf = 0.5 * (1 + Foundation.erff(x * 0.70710678))
        let pdf = 0.39894228 * (-0.5 * x * x).exp
        return g * (cdf + x * pdf)
    }
}

/// SiLU/Swish: x sigmoid(x).
enum SiLUKernel: UnaryKernel { @inline(__always) static func apply(_ x: Float) -> Float { x / (1 + (-x).exp) } }
/// g * s (1 + x (1 - s)) with s = sigmoid(x), from the input x.
enum SiLUGradKernel: BinaryKernel {
    @inline(__always) static func apply(_ g: Float, _ x: Float) -> Float {
        let s = 1 / (1 + (-x).exp)
        return g * s * (1 + x * (1 - s))
    }
}

extension Tensor {
    /// max(x, 0).
    public func relu() -> Tensor {
        let out = unaryMap(self, ReLUKernel.self)
        return out.recording([self]) { g in [zipMap(g, out, ReLUGradKernel.self)] }
    }

    /// 1 / (1 + e^-x).
    public func sigmoid() -> Tensor {
        let out = unaryMap(self, SigmoidKernel.self)
        return out.recording([self]) { g in [zipMap(g, out, SigmoidGradKernel.self)] }
    }

    /// Hyperbolic tangent.
    public func tanh() -> Tensor {
        let out = unaryMap(self, TanhKernel.self)
        return out.recording([self]) { g in [zipMap(g, out, TanhGradKernel.self)] }
    }

    /// GELU in its exact erf form (BERT's activation).
    public func gelu() -> Tensor {
        unaryMap(self, GELUKernel.self).recording([self]) { g in [zipMap(g, self, GELUGradKernel.self)] }
    }

    /// SiLU/Swish: x sigmoid(x).
    public func silu() -> Tensor {
        unaryMap(self, SiLUKernel.self).recording([self]) { g in [zipMap(g, self, SiLUGradKernel.self)] }
    }

    /// Clamps to [minimum, maximum] (hardtanh; QuartzNet-style clipped ReLU with minimum 0).
    public func hardtanh(minimum: Float = -1, maximum: Float = 1) -> Tensor {
        let source = contiguousValues()
        let out = Tensor(uninitialized: shape)
        let s = source.pointer, o = out.pointer
        for i in 0..<count { o[i] = Swift.min(Swift.max(s[i], minimum), maximum) }
        return out.recording([self]) { g in
            let gradient = g.contiguousValues()
            let result = Tensor(uninitialized: self.shape)
            let gp = gradient.pointer, r = result.pointer, s = source.pointer
            // The gradient passes strictly inside the interval (PyTorch's convention at the edges).
            for i in 0..<result.count { r[i] = s[i] > minimum && s[i] < maximum ? gp[i] : 0 }
            return [result]
        }
    }
}
