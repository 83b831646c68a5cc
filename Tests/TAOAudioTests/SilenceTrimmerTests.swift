import Foundation
import Testing
@testable import TAOAudio

/// One signal of `scripts/make-trim-golden.py`: faint noise, a tone, faint noise.
private func signal(lead: Int, body: Int, tail: Int, level: Double) -> [Float] {
    (0..<(lead + body + tail)).map { i in
        let x = Double(i)
        if i >= lead && i < lead + body { return Float(level * sin(0.05 * x) * (0.75 + 0.25 * sin(0.001 * x))) }
        return Float(1e-5 * sin(1.7 * x))
    }
}

private struct TrimGolden: Decodable {
    struct Case: Decodable { let lead, body, tail: Int; let level: Double; let start, end: Int }
    let cases: [Case]
}

@Test("trim_silence keeps the sample range librosa.effects.trim keeps (top_db 60, frame 2048, hop 512)")
func trimMatchesLibrosa() throws {
    let golden = try JSONDecoder().decode(TrimGolden.self, from: Data(contentsOf: fixture("trim_golden.json")))
    #expect(golden.cases.count == 6)
    for c in golden.cases {
        let range = SilenceTrimmer.nonSilentRange(signal(lead: c.lead, body: c.body, tail: c.tail, level: c.level))
        #expect(range == c.start..<c.end, "lead \(c.lead) body \(c.body) tail \(c.tail) level \(c.level)")
    }
}

@Test("an all-zero signal is kept whole and an empty one stays empty")
func trimDegenerateSignals() {
    #expect(SilenceTrimmer.nonSilentRange([Float](repeating: 0, count: 5000)) == 0..<5000)
    #expect(SilenceTrimmer.nonSilentRange([]) == 0..<0)
}
