import CFFTW

/// The FFT library behind tao's front end.
public enum FFTW {
    /// FFTW's version string, e.g. "fftw-3.3.10-sse2-avx".
    public static var version: String { String(cString: tao_fftwf_version()) }
}
