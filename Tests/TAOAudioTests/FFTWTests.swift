import Testing
@testable import TAOAudio

@Test("FFTW is linked and reports its version")
func fftwIsLinked() {
    #expect(FFTW.version.hasPrefix("fftw-3"))
}
