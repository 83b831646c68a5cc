/// Elementwise arithmetic with NumPy broadcasting, each op beside its gradient.
import Foundation

/// A float function of two values, specialized into the broadcasting loop (no per-element dispatch).
protocol BinaryKernel { static func apply(_ a: Float, _ b: Float) -> Float }
/// A float function of one value, specialized into the mapping loop.
protocol UnaryKernel { static func apply(_ x: Float) -> Float }

enum AddKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b } }
enum SubKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b } }
enum MulKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b } }
enum DivKernel: BinaryKernel { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b } }

/// Strides that read `tensor` as if it had `shape` (its broadcast): 0 on new or size-1 axes.
func broadcastStrides(_ tensor: Tensor, to shape: [Int]) -> [Int] {
    let lead = shape.count - tensor.rank
    return (0..<shape.count).map { axis in
        axis < lead || tensor.shape[axis - lead] == 1 ? 0 : tensor.strides[axis - lead]
    }
}

/// out[i] = K(a[i], b[i]) over the broadcast shape of `a` and `b`; no gradient recorded.
func binaryMap<K: BinaryKernel>(_ a: Tensor, _ b: Tensor, _: K.Type) -> Tensor {
    guard let shape = Shape.broadcast(a.shape, b.shape) else {
        preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast")
    }
    let out = Tensor(uninitialized: shape)
    let o = out.pointer
    if a.shape == shape && b.shape == shape && a.isContiguous && b.isContiguous {
        let pa = a.pointer, pb = b.pointer
        Parallel.forEachChunk(out.count, minimumChunk: 65536) { range in
            for i in range { o[i] = K.apply(pa[i], pb[i]) }
        }
        return out
    }
    let sa = broadcastStrides(a, to: shape), sb = broadcastStrides(b, to: shape)
    let inner = shape.last ?? 1
    let ia = sa.last ?? 0, ib = sb.last ?? 0
    let pa = a.pointer, pb = b.pointer
    var written = 0
    Shape.forEachRow(shape, strides: [sa, sb]) { offsets in
        let ra = pa + offsets[0], rb = pb + offsets[1], ro = o + written
        if ia == 1 && ib == 1 {
            for i in 0..<inner { ro[i] = K.apply(ra[i], rb[i]) }
        } else if ia == 1 && ib == 0 {
            let vb = rb[0]
            for i in 0..<inner { ro[i] = K.apply(ra[i], vb) }
        } else if ia == 0 && ib == 1 {
            let va = ra[0]
            for i in 0..<inner { ro[i] = K.apply(va, rb[i]) }
        } else {
            for i in 0..<inner { ro[i] = K.apply(ra[i * ia], rb[i * ib]) }
        }
        written += inner
    }
    return out
}

/// out[i] = K(x[i]); no gradient recorded.
func unaryMap<K: UnaryKernel>(_ x: Tensor, _: K.Type) -> Tensor {
    let source = x.contiguousValues()
    defer { withExtendedLifetime(source) {} }  // the loop reads through a raw pointer into it
    let out = Tensor(uninitialized: x.shape)
    let s = source.pointer, o = out.pointer
    for i in 0..<out.count { o[i] = K.apply(s[i]) }
    return out
}

/// out[i] = K(x[i], y[i]) for two tensors of the same shape (used by gradient rules); no gradient recorded.
func zipMap<K: BinaryKernel>(_ x: Tensor, _ y: Tensor, _ kernel: K.Type) -> Tensor {
    precondition(x.shape == y.shape, "shapes \(x.shape) and \(y.shape) differ")
    return binaryMap(x, y, kernel)
}

extension Tensor {
    /// Sums a broadcast gradient back down to `shape` (the inverse of broadcasting to `self.shape`).
    func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        var axes = Array(0..<lead)
        for axis in 0..<target.count where target[axis] == 1 && shape[axis + lead] != 1 { axes.append(axis + lead) }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }
}

/// Elementwise sum with broadcasting.
public func + (a: Tensor, b: Tensor) -> Tensor {
    binaryMap(a, b, AddKernel.self).recording([a, b]) { g in [g.summed(toShape: a.shape), g.summed(toShape: b.shape)] }
}

/// Elementwise difference with broadcasting.
public func - (a: Tensor, b: Tensor) -> Tensor {
    binaryMap(a, b, SubKernel.self).recording([a, b]) { g in [g.summed(toShape: a.shape), (-g).summed(toShape: b.shape)] }
}

/// Elementwise product with broadcasting.
public func * (a: Tensor, b: Tensor) -> Tensor {
    binaryMap(a, b, MulKernel.self).recording([a, b]) { g in
        [a.needsGrad ? (g * b).summed(toShape: a.shape) : nil, b.needsGrad ? (g * a).summed(toShape: b.shape) : nil]
    }
}

/// Elementwise quotient with broadcasting.
public func / (a: Tensor, b: Tensor) -> Tensor {
    binaryMap(a, b, DivKernel.self).recording([a, b]) { g in
        // d(a/b)/da = 1/b; d(a/b)/db = -a/b^2.
        [a.needsGrad ? (g / b).summed(toShape: a.shape) : nil,
         b.needsGrad ? (-(g * a) / (b * b)).summed(toShape: b.shape) : nil]
    }
}

/// Adds a constant.
public func + (a: Tensor, b: Float) -> Tensor { a + Tensor(scalar: b) }
/// Adds a constant.
public func + (a: Float, b: Tensor) -> Tensor { Tensor(scalar: a) + b }
/// Subtracts a constant.
public func - (a: Tensor, b: Float) -> Tensor { a + Tensor(scalar: -b) }
/// Subtracts from a constant.
public func - (a: Float, b: Tensor) -> Tensor { Tensor(scalar: a) - b }
/// Scales by a constant.
public func * (a: Tensor, b: Float) -> Tensor { a * Tensor(scalar: b) }
/// Scales by a constant.
public func * (a: Float, b: Tensor) -> Tensor { Tensor(scalar: a) * b }
/// Divides by a constant.
public func / (a: Tensor, b: Float) -> Tensor { a * Tensor(scalar: 1 / b) }
/// Divides a constant.
public func / (a: Float, b: Tensor) -> Tensor { Tensor(scalar: a) / b }

enum NegKernel: UnaryKernel { @inline(__always) static func apply(_ x: Float) -> Float { -x } }
enum ExpKernel: UnaryKernel { @inline(__always) static func apply(_ x: Float) -> Float { x.exp } }
enum LogKernel: UnaryKernel { @inline(__always) static func apply(_ x: Float) -> Float { x.log } }
enum SqrtKernel: UnaryKernel { @inline(__always) static func apply(_ x: Float) -> Float { x.squareRoot() } }

/// Elementwise negation.
public prefix func - (x: Tensor) -> Tensor {
    unaryMap(x, NegKernel.self).recording([x]) { g in [-g] }
}

extension Tensor {
    /// Elementwise e^x.
    public func exp() -> Tensor {
        let out = unaryMap(self, ExpKernel.self)
        return out.recording([self]) { g in [g * out.detached()] }
    }

    /// Elementwise natural logarithm.
    public func log() -> Tensor {
        unaryMap(self, LogKernel.self).recording([self]) { g in [g / self] }
    }

    /// Elementwise square root.
    public func sqrt() -> Tensor {
        let out = unaryMap(self, SqrtKernel.self)
        return out.recording([self]) { g in [g / (2 * out.detached())] }
    }

    /// Elementwise x^2.
    public func squared() -> Tensor {
        binaryMap(self, self, MulKernel.self).recording([self]) { g in [2 * g * self] }
    }
}

extension Float {
    @inline(__always) var exp: Float { Foundation.expf(self) }
    @inline(__always) var log: Float { Foundation.logf(self) }
}
