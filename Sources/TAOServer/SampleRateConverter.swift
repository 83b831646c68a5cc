import Foundation
import TAOAudio

/// Resamples a mono signal fed in chunks to the model's rate, giving exactly `round(n * to / from)` samples for n
/// input samples in all, like `AudioFile.read(_:resamplingTo:)`, whatever the chunking. Passes samples through
/// when the rates agree.
final class SampleRateConverter {
    let inputRate: Int, outputRate: Int
    private let resampler: Resampler?
    private var inputCount = 0, outputCount = 0

    init(from inputRate: Int, to outputRate: Int) throws {
        self.inputRate = inputRate
        self.outputRate = outputRate
        do {
            resampler = inputRate == outputRate ? nil : try Resampler(from: Double(inputRate), to: Double(outputRate))
        } catch {
            throw ServerError.invalidArgument("cannot resample \(inputRate) Hz audio to the model's \(outputRate) Hz: \(error)")
        }
    }

    func process(_ samples: [Float]) throws -> [Float] {
        inputCount += samples.count
        guard let resampler else { return samples }
        let output = try resampler.process(samples)
        outputCount += output.count
        return output
    }

    /// The filter's tail, trimmed so the whole output has the expected length.
    func finish() throws -> [Float] {
        guard let resampler else { return [] }
        var tail = try resampler.flush()
        let expected = Int((Double(inputCount) * Double(outputRate) / Double(inputRate)).rounded())
        let extra = outputCount + tail.count - expected
        if extra > 0 { tail.removeLast(min(extra, tail.count)) }
        outputCount += tail.count
        return tail
    }

    /// Seconds of input so far.
    var inputSeconds: Double { Double(inputCount) / Double(inputRate) }
}
