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
        var result = total(acc0 + acc1)
        while i < count { result += a[i] * b[i]; i += 1 }
        return result
    }

    /// The four dot products sum_i a[i] b[i + j spacing] for j = 0...3, sharing each load of `a`
    /// (the depthwise weight gradient for four neighbouring taps).
    @inline(__always)
    static func dot4(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, spacing: Int, count: Int) -> (Float, Float, Float, Float) {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>(), acc2 = SIMD16<Float>(), acc3 = SIMD16<Float>()
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b), step = spacing * 4
        var i = 0
        while i + 16 <= count {
            let va = rawA.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            acc0 += va * rawB.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            acc1 += va * rawB.loadUnaligned(fromByteOffset: i * 4 + step, as: SIMD16<Float>.self)
            acc2 += va * rawB.loadUnaligned(fromByteOffset: i * 4 + 2 * step, as: SIMD16<Float>.self)
            acc3 += va * rawB.loadUnaligned(fromByteOffset: i * 4 + 3 * step, as: SIMD16<Float>.self)
            i += 16
        }
        var sums = (total(acc0), total(acc1), total(acc2), total(acc3))
        while i < count {
            sums.0 += a[i] * b[i]
            sums.1 += a[i] * b[i + spacing]
            sums.2 += a[i] * b[i + 2 * spacing]
            sums.3 += a[i] * b[i + 3 * spacing]
            i += 1
        }
        return sums
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
        var result = total(acc0 + acc1)
        while i < count { result += a[i]; i += 1 }
        return result
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
        var result = total(acc0 + acc1)
        while i < count { let d = a[i] - center; result += d * d; i += 1 }
        return result
    }

    /// The sum of 16 lanes, by halving in registers (SIMD's own `sum()` and `max()` go lane by lane through
    /// memory; in the attention softmax that took longer than the exponentials).
    @inline(__always)
    static func total(_ v: SIMD16<Float>) -> Float {
        let eight = v.lowHalf + v.highHalf
        let four = eight.lowHalf + eight.highHalf
        let two = four.lowHalf + four.highHalf
        return two[0] + two[1]
    }

    /// The largest of 16 lanes, by halving in registers.
    @inline(__always)
    static func largest(_ v: SIMD16<Float>) -> Float {
        let eight = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
        let four = eight.lowHalf.replacing(with: eight.highHalf, where: eight.highHalf .> eight.lowHalf)
        let two = four.lowHalf.replacing(with: four.highHalf, where: four.highHalf .> four.lowHalf)
        return Swift.max(two[0], two[1])
    }
}
