import Foundation
import Testing
@testable import TAOTensor

@Test("vectorized exp and erf agree with the C library to a few ulps over their working range")
func vectorFunctionsMatchLibm() {
    let inputs = stride(from: Float(-20), through: 20, by: 0.00731).map { $0 }
    var exps = [Float](repeating: 0, count: inputs.count), erfs = exps
    inputs.withUnsafeBufferPointer { x in
        exps.withUnsafeMutableBufferPointer { VectorFunctions.map(x.baseAddress!, $0.baseAddress!, count: x.count, VectorFunctions.exp) }
        erfs.withUnsafeMutableBufferPointer { VectorFunctions.map(x.baseAddress!, $0.baseAddress!, count: x.count, VectorFunctions.erf) }
    }
    var worstExp: Float = 0, worstErf: Float = 0
    for (i, x) in inputs.enumerated() {
        worstExp = max(worstExp, abs(exps[i] - expf(x)) / expf(x))
        worstErf = max(worstErf, abs(erfs[i] - erff(x)))
    }
    #expect(worstExp < 5e-7, "exp relative error \(worstExp)")
    #expect(worstErf < 5e-7, "erf absolute error \(worstErf)")
    var tail = [Float](repeating: 0, count: 3)
    [Float(0), 1, -100].withUnsafeBufferPointer { x in
        tail.withUnsafeMutableBufferPointer { VectorFunctions.map(x.baseAddress!, $0.baseAddress!, count: 3, VectorFunctions.exp) }
    }
    #expect(tail[0] == 1 && abs(tail[1] - expf(1)) < 1e-6 && tail[2] == 0)
}
