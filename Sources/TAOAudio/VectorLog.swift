/// Natural log of 16 positive, finite, normal floats at once (Cephes' `logf` polynomial, about 1 ulp), so the
/// front end's log costs a few cycles per value instead of a libm call each.
@inline(__always)
func vectorLog(_ x: SIMD16<Float>) -> SIMD16<Float> {
    // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); log x = log m + e log 2, log m by a polynomial in (m - 1).
    let bits = unsafeBitCast(x, to: SIMD16<Int32>.self)
    var exponent = SIMD16<Float>((bits &>> 23) &- 126)
    var mantissa = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: SIMD16<Float>.self) // in [0.5, 1)
    let small = mantissa .< 0.707106781186547524
    exponent = exponent.replacing(with: exponent - 1, where: small)
    mantissa = mantissa.replacing(with: mantissa + mantissa, where: small) - 1
    let z = mantissa * mantissa
    var p: SIMD16<Float> = SIMD16(repeating: 7.0376836292e-2)
    p = p * mantissa - 1.1514610310e-1
    p = p * mantissa + 1.1676998740e-1
    p = p * mantissa - 1.2420140846e-1
    p = p * mantissa + 1.4249322787e-1
    p = p * mantissa - 1.6668057665e-1
    p = p * mantissa + 2.0000714765e-1
    p = p * mantissa - 2.4999993993e-1
    p = p * mantissa + 3.3333331174e-1
    var y = p * mantissa * z
    y += exponent * -2.12194440e-4
    y -= z * 0.5
    // log 2 = 0.693359375 - 2.12194440e-4, split so the exponent term stays exact.
    return mantissa + y + exponent * 0.693359375
}

/// In place: values[i] = log(values[i] + guard) ("add") or log(max(values[i], guard)) ("clamp").
/// `count` must be a multiple of 16.
@inline(__always)
func logInPlace(_ values: UnsafeMutablePointer<Float>, count: Int, guard guardValue: Float, clamp: Bool) {
    let raw = UnsafeMutableRawPointer(values)
    let guardVector = SIMD16<Float>(repeating: guardValue)
    var i = 0
    while i < count {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        let guarded = clamp ? pointwiseMax(v, guardVector) : v + guardVector
        raw.storeBytes(of: vectorLog(guarded), toByteOffset: i * 4, as: SIMD16<Float>.self)
        i += 16
    }
}
