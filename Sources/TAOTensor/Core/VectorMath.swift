/// Vectorized reductions for the kernels. Swift keeps floating-point additions in order, so a plain
/// `total += a[i] * b[i]` loop runs one add at a time; these keep 32 partial sums in SIMD registers instead.
enum VectorMath {
    /// sum_i a[i] * b[i] over `count` elements.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        var i = 0
        while i + 32 <= count {
            acc0 += rawA.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            acc1 += rawA.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
            i += 32
        }
        while i + 16 <= count {
            acc0 += rawA.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        var total = (acc0 + acc1).sum()
        while i < count { total += a[i] * b[i]; i += 1 }
        return total
    }

    /// sum_i a[i] over `count` elements.
    @inline(__always)
    static func sum(_ a: UnsafePointer<Float>, count: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        let raw = UnsafeRawPointer(a)
        var i = 0
        while i + 32 <= count {
            acc0 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            acc1 += raw.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
            i += 32
        }
        var total = (acc0 + acc1).sum()
        while i < count { total += a[i]; i += 1 }
        return total
    }

    /// sum_i (a[i] - center)^2 over `count` elements.
    @inline(__always)
    static func squaredDeviation(_ a: UnsafePointer<Float>, center: Float, count: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        let raw = UnsafeRawPointer(a), c = SIMD16<Float>(repeating: center)
        var i = 0
        while i + 32 <= count {
            let d0 = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - c
            let d1 = raw.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self) - c
            acc0 += d0 * d0
            acc1 += d1 * d1
            i += 32
        }
        var total = (acc0 + acc1).sum()
        while i < count { let d = a[i] - center; total += d * d; i += 1 }
        return total
    }
}
