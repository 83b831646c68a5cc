import Testing
@testable import TAOTensor

@Test("OpenBLAS is linked and reports at least one thread")
func blasIsLinked() {
    #expect(BLAS.threadCount >= 1)
}
