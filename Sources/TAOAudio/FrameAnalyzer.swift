import Foundation

/// One thread's workspace for the per-frame part of the front end: window, FFT, |X|^power, mel, log.
///
/// Offline and streaming featurizers both call `analyze`, so their frames are bit-identical.
final class FrameAnalyzer {
    let fft: RealFFT
    private let buffers: RealFFT.Buffers
    private let window: [Float]
    /// Where the window sits inside the n_fft frame (centred, as torch.stft pads it).
    let windowOffset: Int
    let filterbank: MelFilterbank
    private let magPower: Float
    private let takeLog: Bool
    private let clampGuard: Bool
    private let guardValue: Float
    private let power: UnsafeMutablePointer<Float>
    /// Mel bands rounded up to a multiple of 16 for the vector log.
    let paddedBands: Int

    init(config: PreprocessorConfig, window: [Float], filterbank: MelFilterbank, fft: RealFFT) {
        self.fft = fft
        buffers = fft.makeBuffers()
        self.window = window
        windowOffset = (config.nFFT - window.count) / 2
        self.filterbank = filterbank
        magPower = Float(config.magPower)
        takeLog = config.log
        clampGuard = config.logZeroGuardType == "clamp"
        guardValue = Float(config.logZeroGuardValue)
        power = .allocate(capacity: fft.binCount)
        paddedBands = (filterbank.bandCount + 15) / 16 * 16
    }

    deinit { power.deallocate() }

    /// Turns the `window.count` samples at `frame` (the window's support inside the n_fft frame) into
    /// `paddedBands` values at `mel`: the log-mel energies, then filler up to the padding.
    @inline(__always)
    func analyze(_ frame: UnsafePointer<Float>, into mel: UnsafeMutablePointer<Float>) {
        // The samples outside the window's support stay zero in the FFT input (set once in makeBuffers).
        let input = buffers.input + windowOffset
        window.withUnsafeBufferPointer { w in
            for i in 0..<w.count { input[i] = frame[i] * w[i] }
        }
        fft.execute(buffers)
        // |X|^2 = re^2 + im^2 over the size/2 + 1 bins.
        let bins = fft.binCount
        let spectrum = buffers.output
        for k in 0..<bins {
            let re = spectrum[2 * k], im = spectrum[2 * k + 1]
            power[k] = re * re + im * im
        }
        if magPower != 2 {
            for k in 0..<bins { power[k] = Float(pow(Double(power[k]).squareRoot(), Double(magPower))) }
        }
        filterbank.apply(power, into: mel)
        for band in filterbank.bandCount..<paddedBands { mel[band] = 1 }
        if takeLog { logInPlace(mel, count: paddedBands, guard: guardValue, clamp: clampGuard) }
    }
}
