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
    private let window: [Double]
    /// Where the window sits inside the n_fft frame (centred, as torch.stft pads it).
    let windowOffset: Int
    let filterbank: MelFilterbank
    private let magPower: Float
    private let takeLog: Bool
    private let clampGuard: Bool
    private let guardValue: Float
    /// Bins rounded up to a multiple of 8 (the transpose works on 8 x 8 tiles; the extra bins stay zero).
    private let paddedBins: Int
    /// Power spectra of up to 8 frames, one row of `paddedBins` per frame.
    private let rows: UnsafeMutablePointer<Float>
    /// Power spectra of a block, bin-major: `[paddedBins, blockFrames]`.
    private let power: UnsafeMutablePointer<Float>
    /// Log-mel energies of a block, `[bands, blockFrames]`: band m of the block's frame t is `mel[m * blockFrames + t]`.
    let mel: UnsafeMutablePointer<Float>

    init(config: PreprocessorConfig, window: [Double], filterbank: MelFilterbank, fft: RealFFT) {
        self.fft = fft
        buffers = fft.makeBuffers()
        self.window = window
        windowOffset = (config.nFFT - window.count) / 2
        self.filterbank = filterbank
        magPower = Float(config.magPower)
        takeLog = config.log
        clampGuard = config.logZeroGuardType == "clamp"
        guardValue = Float(config.logZeroGuardValue)
        paddedBins = (fft.binCount + 7) / 8 * 8
        rows = .allocate(capacity: 8 * paddedBins)
        rows.initialize(repeating: 0, count: 8 * paddedBins)
        power = .allocate(capacity: paddedBins * Self.blockFrames)
        power.initialize(repeating: 0, count: paddedBins * Self.blockFrames)
        mel = .allocate(capacity: filterbank.bandCount * Self.blockFrames)
        mel.initialize(repeating: 0, count: filterbank.bandCount * Self.blockFrames)
    }

    deinit {
        rows.deallocate()
        power.deallocate()
        mel.deallocate()
    }

    /// Analyzes `count` (1...blockFrames) frames into `mel`. Frame t's window support (window-length pre-emphasized
    /// samples, in double precision) starts at `first + t * stride`. Frames past `count` in the block hold stale values.
    /// Returns false when a mel energy is NaN or infinite (a non-finite sample reached the block).
    func analyze(first: UnsafePointer<Double>, stride: Int, count: Int) -> Bool {
        var group = 0
        while group * 8 < count {
            for j in 0..<min(8, count - group * 8) {
                spectrum(of: first + (group * 8 + j) * stride, into: rows + j * paddedBins)
            }
            transposeRows(intoGroup: group)
            group += 1
        }
        applyFilterbank()
        let finite = allFinite(mel, count: filterbank.bandCount * Self.blockFrames)
        if takeLog { logInPlace(mel, count: filterbank.bandCount * Self.blockFrames, guard: guardValue, clamp: clampGuard) }
        return finite
    }

    /// Windows one frame, transforms it (one FFTW r2c call: a single transform runs faster than a batched plan
    /// with bin-major output, measured) and writes |X|^magPower, bin by bin, to `row`.
    @inline(__always)
    private func spectrum(of frame: UnsafePointer<Double>, into row: UnsafeMutablePointer<Float>) {
        // The samples outside the window's support stay zero in the FFT input (set once in makeBuffers). Pre-emphasis
        // and window stay in double precision and are rounded to float once: that halves the distance to a float64
        // reference in quiet bands (measured), for a few percent of the time.
        let input = buffers.input + windowOffset
        window.withUnsafeBufferPointer { w in
            for i in 0..<w.count { input[i] = Float(frame[i] * w[i]) }
        }
        fft.execute(buffers)
        // |X|^2 = re^2 + im^2, 8 bins (16 interleaved floats) at a time.
        let pairs = UnsafeRawPointer(buffers.output), out = UnsafeMutableRawPointer(row), bins = fft.binCount
        var k = 0
        while k + 8 <= bins {
            let v = pairs.loadUnaligned(fromByteOffset: k * 8, as: SIMD16<Float>.self)
            let squares = v * v
            out.storeBytes(of: squares.evenHalf + squares.oddHalf, toByteOffset: k * 4, as: SIMD8<Float>.self)
            k += 8
        }
        while k < bins {
            let re = buffers.output[2 * k], im = buffers.output[2 * k + 1]
            row[k] = re * re + im * im
            k += 1
        }
        if magPower != 2 {
            for k in 0..<bins { row[k] = Float(pow(Double(row[k]).squareRoot(), Double(magPower))) }
        }
    }

    /// Moves the 8 rows (frames) into columns `8 * group ..< 8 * group + 8` of `power`, one 8 x 8 tile at a time.
    @inline(__always)
    private func transposeRows(intoGroup group: Int) {
        let source = UnsafeRawPointer(rows), target = UnsafeMutableRawPointer(power)
        let rowBytes = paddedBins * 4, lanes = Self.blockFrames
        for tile in 0..<(paddedBins / 8) {
            @inline(__always) func row(_ j: Int) -> SIMD8<Float> {
                source.loadUnaligned(fromByteOffset: j * rowBytes + tile * 32, as: SIMD8<Float>.self)
            }
            let t = transpose8x8(row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7))
            let base = (tile * 8 * lanes + group * 8) * 4
            target.storeBytes(of: t.0, toByteOffset: base, as: SIMD8<Float>.self)
            target.storeBytes(of: t.1, toByteOffset: base + lanes * 4, as: SIMD8<Float>.self)
            target.storeBytes(of: t.2, toByteOffset: base + 2 * lanes * 4, as: SIMD8<Float>.self)
            target.storeBytes(of: t.3, toByteOffset: base + 3 * lanes * 4, as: SIMD8<Float>.self)
            target.storeBytes(of: t.4, toByteOffset: base + 4 * lanes * 4, as: SIMD8<Float>.self)
            target.storeBytes(of: t.5, toByteOffset: base + 5 * lanes * 4, as: SIMD8<Float>.self)
            target.storeBytes(of: t.6, toByteOffset: base + 6 * lanes * 4, as: SIMD8<Float>.self)
            target.storeBytes(of: t.7, toByteOffset: base + 7 * lanes * 4, as: SIMD8<Float>.self)
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

typealias Vectors8 = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)

/// Transposes an 8 x 8 tile given as 8 row vectors. Viewing the tile as 64 values (index 8 row + column), taking
/// the even-indexed values then the odd-indexed ones rotates the 6 index bits right by one; three such rounds turn
/// index 8 row + column into 8 column + row.
@inline(__always)
func transpose8x8(_ r0: SIMD8<Float>, _ r1: SIMD8<Float>, _ r2: SIMD8<Float>, _ r3: SIMD8<Float>,
                  _ r4: SIMD8<Float>, _ r5: SIMD8<Float>, _ r6: SIMD8<Float>, _ r7: SIMD8<Float>) -> Vectors8 {
    @inline(__always)
    func unzip(_ v: Vectors8) -> Vectors8 {
        let p0 = SIMD16(lowHalf: v.0, highHalf: v.1), p1 = SIMD16(lowHalf: v.2, highHalf: v.3)
        let p2 = SIMD16(lowHalf: v.4, highHalf: v.5), p3 = SIMD16(lowHalf: v.6, highHalf: v.7)
        return (p0.evenHalf, p1.evenHalf, p2.evenHalf, p3.evenHalf, p0.oddHalf, p1.oddHalf, p2.oddHalf, p3.oddHalf)
    }
    return unzip(unzip(unzip((r0, r1, r2, r3, r4, r5, r6, r7))))
}

/// True when none of `count` values (a multiple of 16) is NaN or infinite: x - x is 0 for finite x, NaN otherwise.
@inline(__always)
func allFinite(_ values: UnsafePointer<Float>, count: Int) -> Bool {
    let raw = UnsafeRawPointer(values)
    var sum = SIMD16<Float>()
    var i = 0
    while i < count {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        sum += v - v
        i += 16
    }
    return sum.sum().isFinite
}
