/// Vectorized exp and erf for the activation and softmax kernels: the C library computes one value per call,
/// which dominated GELU and softmax. Accuracy: a few float ulps (checked against the C library in tests).
enum VectorFunctions {
    /// e^x for 16 lanes: x = n ln2 + r with |r| <= ln2 / 2, e^r by a degree-6 polynomial (Cephes' expf
    /// coefficients), 2^n put into the exponent bits. Inputs are clamped to the float range.
    @inline(__always)
    static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        // Below e^-87 the result is flushed to exactly 0: denormals would slow every later GEMM that reads them.
        let underflow = x .< -87
        var clamped = x.replacing(with: -87, where: underflow)
        clamped.replace(with: 88.7, where: clamped .> 88.7)
        let n = (clamped * 1.442695041).rounded(.toNearestOrEven)
        // ln 2 split in two parts so n * ln2 is subtracted without rounding error.
        let r = clamped - n * 0.693359375 + n * 2.12194440e-4
        var p = SIMD16<Float>(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let er = p * r * r + r + 1
        // n + 1.5 * 2^23 holds the integer n in its low mantissa bits (cheaper than a generic conversion).
        let integer = unsafeBitCast(n + 12_582_912, to: SIMD16<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD16<Float>.self)
        return (er * scale).replacing(with: 0, where: underflow)
    }

    /// erf(x) for 16 lanes: x P(x^2) / Q(x^2) on [-4, 4] (erf is +-1 to float precision beyond), the rational
    /// approximation Eigen uses for float.
    @inline(__always)
    static func erf(_ x: SIMD16<Float>) -> SIMD16<Float> {
        var c = x.replacing(with: -4, where: x .< -4)
        c.replace(with: 4, where: c .> 4)
        let x2 = c * c
        var p = SIMD16<Float>(repeating: -2.72614225801306e-10)
        p = p * x2 + 2.77068142495902e-08
        p = p * x2 - 2.10102402082508e-06
        p = p * x2 - 5.69250639462346e-05
        p = p * x2 - 7.34990630326855e-04
        p = p * x2 - 2.95459980854025e-03
        p = p * x2 - 1.60960333262415e-02
        var q = SIMD16<Float>(repeating: -1.45660718464996e-05)
        q = q * x2 - 2.13374055278905e-04
        q = q * x2 - 1.68282697438203e-03
        q = q * x2 - 7.37332916720468e-03
        q = q * x2 - 1.42647390514189e-02
        return c * p / q
    }

    /// Applies `body` to `count` values 16 at a time (the tail through a zero-padded vector).
    @inline(__always)
    static func map(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int,
                    _ body: (SIMD16<Float>) -> SIMD16<Float>) {
        let raw = UnsafeRawPointer(source), out = UnsafeMutableRawPointer(destination)
        var i = 0
        while i + 16 <= count {
            out.storeBytes(of: body(raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)), toByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        if i < count {
            var tail = SIMD16<Float>()
            for j in 0..<(count - i) { tail[j] = source[i + j] }
            let result = body(tail)
            for j in 0..<(count - i) { destination[i + j] = result[j] }
        }
    }

    /// Applies `body` to pairs of values 16 at a time.
    @inline(__always)
    static func zipMap(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int,
                       _ body: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) {
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b), out = UnsafeMutableRawPointer(destination)
        var i = 0
        while i + 16 <= count {
            let va = rawA.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            let vb = rawB.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            out.storeBytes(of: body(va, vb), toByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        if i < count {
            var ta = SIMD16<Float>(), tb = SIMD16<Float>()
            for j in 0..<(count - i) { ta[j] = a[i + j]; tb[j] = b[i + j] }
            let result = body(ta, tb)
            for j in 0..<(count - i) { destination[i + j] = result[j] }
        }
    }
}
