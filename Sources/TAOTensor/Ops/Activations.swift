import Foundation

/// Pointwise activation functions, each beside its derivative.

enum ReLUKernel: UnaryKernel { @inline(__always) static func apply(_ x: Float) -> Float { x > 0 ? x : 0 } }
/// g * 1[y > 0], from the ReLU output y.
enum ReLUGradKernel: BinaryKernel { @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { y > 0 ? g : 0 } }

/// g * y (1 - y), from the sigmoid output y.
enum SigmoidGradKernel: BinaryKernel { @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { g * y * (1 - y) } }

enum TanhKernel: UnaryKernel { @inline(__always) static func apply(_ x: Float) -> Float { Foundation.tanhf(x) } }
/// g * (1 - y^2), from the tanh output y.
enum TanhGradKernel: BinaryKernel { @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { g * (1 - y * y) } }

extension Tensor {
    /// max(x, 0).
    public func relu() -> Tensor {
        let out = unaryMap(self, ReLUKernel.self)
        return out.recording([self]) { g in [zipMap(g, out, ReLUGradKernel.self)] }
    }

    /// 1 / (1 + e^-x), 16 values at a time.
    public func sigmoid() -> Tensor {
        let input = contiguousValues()
        let out = Tensor(uninitialized: shape)
        VectorFunctions.map(input.pointer, out.pointer, count: count) { x in 1 / (1 + VectorFunctions.exp(-x)) }
        withExtendedLifetime(input) {}
        return out.recording([self]) { g in [zipMap(g, out, SigmoidGradKernel.self)] }
    }

    /// Hyperbolic tangent.
    public func tanh() -> Tensor {
        let out = unaryMap(self, TanhKernel.self)
        return out.recording([self]) { g in [zipMap(g, out, TanhGradKernel.self)] }
    }

    /// GELU in its exact erf form (BERT's activation), 16 values at a time.
    public func gelu() -> Tensor {
        let input = contiguousValues()
        let out = Tensor(uninitialized: shape)
        let (source, destination) = (input.pointer, out.pointer)
        forEachVectorChunk(count) { start, length in
            VectorFunctions.map(source + start, destination + start, count: length) { x in
                0.5 * x * (1 + VectorFunctions.erf(x * 0.70710678))
            }
        }
        return out.recording([self]) { g in
            // d/dx = Phi(x) + x phi(x).
            let gradient = g.contiguousValues()
            let result = Tensor(uninitialized: input.shape)
            let (upstream, values, written) = (gradient.pointer, input.pointer, result.pointer)
            forEachVectorChunk(result.count) { start, length in
                VectorFunctions.zipMap(upstream + start, values + start, written + start, count: length) { g, x in
                    let cdf = 0.5 * (1 + VectorFunctions.erf(x * 0.70710678))
                    let pdf = 0.39894228 * VectorFunctions.exp(-0.5 * x * x)
                    return g * (cdf + x * pdf)
                }
            }
            withExtendedLifetime(gradient) {}
            return [result]
        }
    }

    /// SiLU/Swish: x sigmoid(x), 16 values at a time.
    public func silu() -> Tensor {
        let input = contiguousValues()
        let out = Tensor(uninitialized: shape)
        VectorFunctions.map(input.pointer, out.pointer, count: count) { x in x / (1 + VectorFunctions.exp(-x)) }
        return out.recording([self]) { g in
            // d/dx = s (1 + x (1 - s)) with s = sigmoid(x).
            let gradient = g.contiguousValues()
            let result = Tensor(uninitialized: input.shape)
            VectorFunctions.zipMap(gradient.pointer, input.pointer, result.pointer, count: result.count) { g, x in
                let s = 1 / (1 + VectorFunctions.exp(-x))
                return g * s * (1 + x * (1 - s))
            }
            withExtendedLifetime(gradient) {}
            return [result]
        }
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

/// Splits `0..<count` elements over the compute threads in chunks of whole 16-lane vectors (at least 64k
/// elements each, about 50 microseconds of GELU), calling `body(start, length)` per chunk.
func forEachVectorChunk(_ count: Int, _ body: (Int, Int) -> Void) {
    let vectors = (count + 15) / 16
    Parallel.forEachChunk(vectors, minimumChunk: 4096) { range in
        let start = range.lowerBound * 16, end = Swift.min(range.upperBound * 16, count)
        if start < end { body(start, end - start) }
    }
}
