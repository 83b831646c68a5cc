import CSoxr

/// Sample-rate conversion of a mono signal with libsoxr at high quality (20-bit, linear phase, passband to 91% of
/// the lower Nyquist frequency, stopband attenuation over 120 dB).
///
/// Use one instance per stream: `process` takes chunks of any size and returns what is ready; `flush` returns the
/// tail at the end of the stream. Not thread-safe.
public final class Resampler {
    /// Input rate in Hz.
    public let inputRate: Double
    /// Output rate in Hz.
    public let outputRate: Double
    /// The audio file being resampled, named in errors; nil for a stream of samples.
    public let file: String?
    private let handle: soxr_t

    /// A streaming resampler from `inputRate` to `outputRate` (Hz, positive and finite); errors name `file` when given.
    public init(from inputRate: Double, to outputRate: Double, file: String? = nil) throws {
        guard inputRate.isFinite, outputRate.isFinite, inputRate > 0, outputRate > 0,
              max(inputRate, outputRate) / min(inputRate, outputRate) <= 256
        else {
            throw AudioError.resampling(file: file, reason: "cannot convert \(inputRate) Hz to \(outputRate) Hz (ratio at most 256)")
        }
        var error: soxr_error_t?
        var quality = soxr_quality_spec(UInt(SOXR_HQ), UInt(SOXR_LINEAR_PHASE))
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var runtime = soxr_runtime_spec(1)
        guard let handle = soxr_create(inputRate, outputRate, 1, &error, &io, &quality, &runtime), error == nil else {
            throw AudioError.resampling(file: file, reason: error.map { String(cString: $0) } ?? "soxr_create failed")
        }
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.file = file
        self.handle = handle
    }

    deinit { soxr_delete(handle) }

    /// Resamples the next chunk of the stream; returns the output samples that are complete so far.
    public func process(_ chunk: [Float]) throws -> [Float] {
        // A null input pointer means end of stream to libsoxr, so an empty chunk must not reach it.
        if chunk.isEmpty { return [] }
        var output: [Float] = []
        output.reserveCapacity(Int(Double(chunk.count) * outputRate / inputRate) + 64)
        var offset = 0
        var block = [Float](repeating: 0, count: 8192)
        try chunk.withUnsafeBufferPointer { input in
            var made = 0
            repeat {
                var used = 0
                let error = block.withUnsafeMutableBufferPointer { out in
                    soxr_process(handle, input.baseAddress.map { $0 + offset }, input.count - offset, &used,
                                 out.baseAddress, out.count, &made)
                }
                if let error { throw AudioError.resampling(file: file, reason: String(cString: error)) }
                offset += used
                output.append(contentsOf: block[0..<made])
                if used == 0 && made == 0 { break }
            } while offset < input.count || made == block.count
        }
        return output
    }

    /// Ends the stream: returns the remaining output (the filter's delay line).
    public func flush() throws -> [Float] {
        var output: [Float] = []
        var block = [Float](repeating: 0, count: 8192)
        while true {
            var made = 0
            let error = block.withUnsafeMutableBufferPointer { out in
                soxr_process(handle, nil, 0, nil, out.baseAddress, out.count, &made)
            }
            if let error { throw AudioError.resampling(file: file, reason: String(cString: error)) }
            if made == 0 { break }
            output.append(contentsOf: block[0..<made])
        }
        return output
    }

    /// Resamples a whole signal at once; the output has `round(count * to / from)` samples, aligned with the input.
    public static func resample(_ samples: [Float], from inputRate: Double, to outputRate: Double) throws -> [Float] {
        if inputRate == outputRate { return samples }
        let resampler = try Resampler(from: inputRate, to: outputRate)
        var output = try resampler.process(samples)
        output += try resampler.flush()
        let expected = Int((Double(samples.count) * outputRate / inputRate).rounded())
        if output.count > expected { output.removeLast(output.count - expected) }
        return output
    }
}
