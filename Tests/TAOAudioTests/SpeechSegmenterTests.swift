import Foundation
import Testing
@testable import TAOAudio

@Suite("SpeechSegmenter")
struct SpeechSegmenterTests {
    /// Two bursts of "speech" (a tone at -12 dBFS) of `length` seconds with a second of silence around each.
    func bursts(length: Double = 0.8) -> [Float] {
        let silence = [Float](repeating: 0, count: 16000)
        let tone = (0..<Int(length * 16000)).map { Float(0.35 * sin(Double($0) * 0.2)) }
        return silence + tone + silence + tone + silence
    }

    func segments(_ samples: [Float], chunks: [Int], config: EndpointingConfig = .init(), maxSeconds: Double = 20) -> [SpeechSegmenter.Segment] {
        var segmenter = SpeechSegmenter(config: config, sampleRate: 16000, maxSegmentSeconds: maxSeconds)
        var result: [SpeechSegmenter.Segment] = [], offset = 0, index = 0
        while offset < samples.count {
            let size = chunks[index % chunks.count]
            result += segmenter.append(Array(samples[offset..<min(offset + size, samples.count)]))
            offset += size
            index += 1
        }
        if let last = segmenter.finish() { result.append(last) }
        return result
    }

    @Test("two bursts separated by silence are two utterances, each holding its burst")
    func twoUtterances() {
        let found = segments(bursts(), chunks: [16000 * 10])
        #expect(found.count == 2)
        // Burst one spans samples 16000..<28800, burst two 44800..<57600.
        #expect(found.first.map { $0.start <= 16000 && $0.end >= 28800 } == true)
        #expect(found.last.map { $0.start >= 28800 && $0.start <= 44800 && $0.end >= 57600 } == true)
    }

    @Test("a flush in the middle of a frame, then more audio, goes on without losing its place")
    func flushInsideAFrame() {
        var segmenter = SpeechSegmenter(config: .init(), sampleRate: 16000)
        let samples = bursts()
        // 16,100 samples: the first tone has begun and the last frame (160 samples) is partial when the flush comes.
        _ = segmenter.append(Array(samples[..<16_100]))
        _ = segmenter.append(Array(samples[16_100..<20_050]))
        let flushed = segmenter.finish()
        #expect(flushed != nil)
        var later: [SpeechSegmenter.Segment] = []
        for start in stride(from: 20_050, to: samples.count, by: 777) {
            later += segmenter.append(Array(samples[start..<min(start + 777, samples.count)]))
        }
        if let last = segmenter.finish() { later.append(last) }
        #expect(segmenter.sampleCount == samples.count)
        #expect(later.contains { $0.start >= 28_800 && $0.end >= 57_600 }, "the second burst is still found")
    }

    @Test("the cuts do not depend on how the audio is chunked")
    func chunkingInvariance() {
        let samples = bursts()
        let whole = segments(samples, chunks: [samples.count])
        for chunks in [[1], [160], [7, 333, 1024], [4096, 1], [320]] {
            #expect(segments(samples, chunks: chunks) == whole, "chunks \(chunks)")
        }
        #expect(SpeechSegmenter.utterances(of: samples, sampleRate: 16000, maxSegmentSeconds: 20) == whole)
    }

    @Test("silence alone has no utterance; an open utterance ends at finish")
    func silenceAndFinish() {
        #expect(segments([Float](repeating: 0, count: 48000), chunks: [1000]).isEmpty)
        let tone = (0..<8000).map { Float(0.3 * sin(Double($0) * 0.1)) }
        let found = segments([Float](repeating: 0, count: 8000) + tone, chunks: [1000])
        #expect(found.count == 1)
        #expect(found.first?.end == 16000)
    }

    @Test("an utterance over the maximum length is cut, and no sample is lost or repeated")
    func maximumLength() {
        let tone: [Float] = (0..<(16000 * 5)).map { (index: Int) -> Float in
            let level: Float = index % 16000 < 15000 ? 0.3 : 0.09
            return level * Float(sin(Double(index) * 0.1))
        }
        let found = segments(tone, chunks: [512], maxSeconds: 2)
        #expect(found.count >= 2)
        for (a, b) in zip(found, found.dropFirst()) { #expect(a.end == b.start) }
        #expect(found.allSatisfy { $0.samples.count <= 2 * 16000 })
        #expect(found.last?.end == tone.count)
    }
}
