/// Natural log of a positive, finite, normal float (Cephes' `logf` polynomial, about 1 ulp) with no branch and no
/// libm call, so a loop over it vectorizes: the front end's log then costs a few cycles per value.
@inline(__always)
func fastLog(_ x: Float) -> Float {
    // x = m * 2^e with m in [sqrt(1/2), sqrt(2)): subtracting the bits of sqrt(1/2) before taking the exponent
    // field picks e without a comparison; then log x = log m + e log 2, with log m a polynomial in f = m - 1.
    let bits = Int32(bitPattern: x.bitPattern)
    let e = (bits &- 0x3F35_04F3) &>> 23
    let f = Float(bitPattern: UInt32(bitPattern: bits &- (e &<< 23))) - 1
    let exponent = Float(e)
    let z = f * f
    var p: Float = 7.0376836292e-2
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
@inline(__always)
func logInPlace(_ values: UnsafeMutablePointer<Float>, count: Int, guard guardValue: Float, clamp: Bool) {
    if clamp {
        for i in 0..<count { values[i] = fastLog(max(values[i], guardValue)) }
    } else {
        for i in 0..<count { values[i] = fastLog(values[i] + guardValue) }
    }
}
