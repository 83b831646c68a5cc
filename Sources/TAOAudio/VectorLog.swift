/// Natural log of 8 positive, finite, normal floats at once (Cephes' `logf` polynomial, about 1 ulp), so the
/// front end's log costs a few cycles per value instead of a libm call each. 8 lanes fill one AVX register.
@inline(__always)
func vectorLog(_ x: SIMD8<Float>) -> SIMD8<Float> {
    // x = m * 2^e with m in [sqrt(1/2), sqrt(2)): subtracting the bits of sqrt(1/2) before taking the exponent
    // field picks e without a comparison; then log x = log m + e log 2, with log m a polynomial in f = m - 1.
    let bits = unsafeBitCast(x, to: SIMD8<Int32>.self)
    let e = (bits &- 0x3F35_04F3) &>> 23
    let f = unsafeBitCast(bits &- (e &<< 23), to: SIMD8<Float>.self) - 1
    let exponent = SIMD8<Float>(e)
    let z = f * f
    var p = SIMD8<Float>(repeating: 7.0376836292e-2)
    p = p * f - 1.1514610310e-1
    p = p * f + 1.1676998740e-1
    p = p * f - 1.2420140846e-1
    p = p * f + 1.4249322787e-1
    p = p * f - 1.6668057665e-1
    p = p * f + 2.0000714765e-1
    p = p * f - 2.4999993993e-1
    p = p * f + 3.3333331174e-1
    var y = p * f * z
    y += exponent * -2.12194440e-4
    y -= z * 0.5
    // log 2 = 0.693359375 - 2.12194440e-4, split so the exponent term stays exact.
    return f + y + exponent * 0.693359375
}

/// In place: values[i] = log(values[i] + guard) ("add") or log(max(values[i], guard)) ("clamp").
/// `count` must be a multiple of 8.
@inline(__always)
func logInPlace(_ values: UnsafeMutablePointer<Float>, count: Int, guard guardValue: Float, clamp: Bool) {
    let raw = UnsafeMutableRawPointer(values)
    let guardVector = SIMD8<Float>(repeating: guardValue)
    var i = 0
    while i < count {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        let guarded = clamp ? pointwiseMax(v, guardVector) : v + guardVector
        raw.storeBytes(of: vectorLog(guarded), toByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
}
