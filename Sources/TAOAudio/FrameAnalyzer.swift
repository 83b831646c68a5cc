import Foundation

/// One thread's workspace for the per-frame part of the front end: window, FFT, |X|^power, mel, log.
///
/// Frames are analyzed in blocks of up to `blockFrames`: the power spectra of a block are stored bin-major
/// (`[bins, blockFrames]`), so the sparse mel filterbank runs as SIMD multiply-adds across the block's frames and
/// the result comes out band-major, the order of the `[features, frames]` output. Offline and streaming featurizers
/// both call `analyze`, so their frames are bit-identical.
final class FrameAnalyzer {
    /// Frames per block: two 16-lane vectors.
    static let blockFrames = 32
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
    /// Power spectra of a block, `[bins, blockFrames]`.
    private let power: UnsafeMutablePointer<Float>
    /// Log-mel energies of a block, `[bands, blockFrames]`: band m of the block's frame t is `mel[m * blockFrames + t]`.
    let mel: UnsafeMutablePointer<Float>

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
        precondition(fft.batch == Self.blockFrames, "FrameAnalyzer needs a plan of \(Self.blockFrames) transforms")
        power = .allocate(capacity: fft.binCount * Self.blockFrames)
        power.initialize(repeating: 0, count: fft.binCount * Self.blockFrames)
        mel = .allocate(capacity: filterbank.bandCount * Self.blockFrames)
        mel.initialize(repeating: 0, count: filterbank.bandCount * Self.blockFrames)
    }

    deinit {
        power.deallocate()
        mel.deallocate()
    }

    /// Analyzes `count` (1...blockFrames) frames into `mel`. Frame t's window support (window-length samples)
    /// starts at `first + t * stride`. Frames past `count` in the block hold stale values.
    func analyze(first: UnsafePointer<Float>, stride: Int, count: Int) {
        let size = fft.size
        // The samples outside each window's support stay zero in the FFT input (set once in makeBuffers).
        window.withUnsafeBufferPointer { w in
            for t in 0..<count {
                let input = buffers.input + t * size + windowOffset, frame = first + t * stride
                for i in 0..<w.count { input[i] = frame[i] * w[i] }
            }
        }
        fft.execute(buffers)
        computePower()
        applyFilterbank()
        if takeLog { logInPlace(mel, count: filterbank.bandCount * Self.blockFrames, guard: guardValue, clamp: clampGuard) }
    }

    /// power[k, t] = |X[k, t]|^magPower; the FFT output is already bin-major, so this is one pass over (re, im) pairs.
    @inline(__always)
    private func computePower() {
        let pairs = UnsafeRawPointer(buffers.output), out = UnsafeMutableRawPointer(power)
        let count = fft.binCount * Self.blockFrames
        var i = 0
        while i < count {
            let v = pairs.loadUnaligned(fromByteOffset: i * 8, as: SIMD16<Float>.self)
            let squares = v * v
            out.storeBytes(of: squares.evenHalf + squares.oddHalf, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        if magPower != 2 {
            for k in 0..<count { power[k] = Float(pow(Double(power[k]).squareRoot(), Double(magPower))) }
        }
    }

    /// mel[m, t] = sum over band m's non-zero bins k of W[m, k] * power[k, t], 32 frames at a time.
    @inline(__always)
    private func applyFilterbank() {
        let raw = UnsafeRawPointer(power), out = UnsafeMutableRawPointer(mel), lanes = Self.blockFrames
        filterbank.weights.withUnsafeBufferPointer { w in
            filterbank.starts.withUnsafeBufferPointer { start in
                filterbank.offsets.withUnsafeBufferPointer { offset in
                    for band in 0..<filterbank.bandCount {
                        var low = SIMD16<Float>(), high = SIMD16<Float>()
                        var bin = start[band]
                        for i in offset[band]..<offset[band + 1] {
                            let weight = SIMD16<Float>(repeating: w[i])
                            let row = bin * lanes * 4
                            low += weight * raw.loadUnaligned(fromByteOffset: row, as: SIMD16<Float>.self)
                            high += weight * raw.loadUnaligned(fromByteOffset: row + 64, as: SIMD16<Float>.self)
                            bin += 1
                        }
                        out.storeBytes(of: low, toByteOffset: band * lanes * 4, as: SIMD16<Float>.self)
                        out.storeBytes(of: high, toByteOffset: band * lanes * 4 + 64, as: SIMD16<Float>.self)
                    }
                }
            }
        }
    }
}
