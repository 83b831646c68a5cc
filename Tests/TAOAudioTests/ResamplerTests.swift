import Foundation
import Testing
@testable import TAOAudio

@Suite("Resampler")
struct ResamplerTests {
    /// RMS level in dB relative to full scale, skipping `edge` samples at both ends (filter warm-up).
    func level(_ x: [Float], edge: Int) -> Double {
        let inner = x[edge..<(x.count - edge)]
        let power = inner.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(inner.count)
        return 10 * log10(power)
    }

    @Test("a 1 kHz tone at 44.1 kHz comes out at 16 kHz within 0.1 dB")
    func passband() throws {
        let input = tone(1000, sampleRate: 44100, count: 44100)
        let output = try Resampler.resample(input, from: 44100, to: 16000)
        #expect(output.count == 16000)
        #expect(abs(level(output, edge: 800) - level(input, edge: 2205)) < 0.1)
        // Still a 1 kHz tone: compare with the ideal 16 kHz sine (linear phase, so aligned).
        #expect(maxAbsDifference(Array(output[800..<15200]), Array(tone(1000, sampleRate: 16000, count: 16000)[800..<15200])) < 0.01)
    }

    @Test("a 9 kHz tone at 48 kHz is attenuated by at least 60 dB at 16 kHz")
    func stopband() throws {
        let input = tone(9000, sampleRate: 48000, count: 48000)
        let output = try Resampler.resample(input, from: 48000, to: 16000)
        #expect(level(input, edge: 2400) - level(output, edge: 800) >= 60)
    }

    @Test("streaming in chunks gives the one-shot output")
    func streaming() throws {
        let input = noise(count: 30000, seed: 11)
        let oneShot = try Resampler.resample(input, from: 8000, to: 16000)
        let stream = try Resampler(from: 8000, to: 16000)
        var output: [Float] = []
        var rng = SeededGenerator(seed: 3)
        var start = 0
        while start < input.count {
            let end = min(input.count, start + Int.random(in: 0...5000, using: &rng))
            output += try stream.process(Array(input[start..<end]))
            start = end
        }
        output += try stream.flush()
        #expect(output.count >= oneShot.count)
        #expect(maxAbsDifference(Array(output.prefix(oneShot.count)), oneShot) < 1e-6)
    }

    @Test("impossible rates are typed errors")
    func badRates() {
        for (from, to) in [(0.0, 16000.0), (16000, -1), (.nan, 16000), (16000, 16000 * 1000)] {
            #expect(throws: AudioError.self) { try Resampler(from: from, to: to) }
        }
    }

    @Test("reading with resampling delivers the model rate")
    func readResampled() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("44k.wav")
        try AudioFile.writeWAV(tone(440, sampleRate: 44100, count: 44100), sampleRate: 44100, encoding: .float32, to: url)
        let clip = try AudioFile.read(url, resamplingTo: 16000)
        #expect(clip.sampleRate == 16000 && clip.samples.count == 16000)
    }
}

@Test("reading with resampling block by block equals reading then resampling in one shot")
func readResampledEqualsOneShot() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("long44k.wav")
    try AudioFile.writeWAV(noise(count: 200_000, seed: 8), sampleRate: 44100, encoding: .float32, to: url)
    let streamed = try AudioFile.read(url, resamplingTo: 16000)
    let oneShot = try Resampler.resample(try AudioFile.read(url).samples, from: 44100, to: 16000)
    #expect(streamed.samples.count == oneShot.count)
    #expect(maxAbsDifference(streamed.samples, oneShot) < 1e-6)
}
