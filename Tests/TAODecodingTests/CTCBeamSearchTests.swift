import Foundation
import Testing
@testable import TAODecoding

/// SplitMix64: a seeded generator for test inputs.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random `[frames x labels]` log-probabilities (log-softmax of uniform(-3, 3) logits).
func randomLogProbs(frames: Int, labels: Int, rng: inout SeededGenerator) -> [Float] {
    var values: [Float] = []
    for _ in 0..<frames {
        let logits = (0..<labels).map { _ in Double.random(in: -3...3, using: &rng) }
        let norm = log(logits.map { exp($0) }.reduce(0, +))
        values += logits.map { Float($0 - norm) }
    }
    return values
}

/// log P(text) summed over every path (labels^frames of them), text = collapsed path, words single-spaced.
func exhaustiveTextProbabilities(_ values: [Float], frames: Int, labels: [String]) -> [String: Double] {
    let v = labels.count, blank = v - 1
    var result: [String: Double] = [:]
    var path = [Int](repeating: 0, count: frames)
    for code in 0..<Int(pow(Double(v), Double(frames))) {
        var rest = code, logProb = 0.0
        for t in 0..<frames { path[t] = rest % v; rest /= v; logProb += Double(values[t * v + path[t]]) }
        var text = ""
        for t in 0..<frames where path[t] != blank && (t == 0 || path[t] != path[t - 1]) { text += labels[path[t]] }
        let key = text.split(separator: " ").joined(separator: " ")
        result[key] = result[key].map { logSumExp($0, logProb) } ?? logProb
    }
    return result
}

@Suite("CTC decoding")
struct CTCBeamSearchTests {
    @Test("without LM, a wide beam finds every text with its exact total path probability (T <= 4, V <= 3)",
          arguments: [["a", "b", ""], [" ", "a", ""], ["a", ""]])
    func beamEqualsExhaustiveSearch(labels: [String]) throws {
        var rng = SeededGenerator(state: 42)
        let options = BeamSearchOptions(beamWidth: 1000, beamPruneLogp: -1e9, tokenMinLogp: -.infinity)
        let decoder = CTCBeamSearchDecoder(labels: try CTCLabels(labels), options: options)
        for frames in 1...4 {
            for _ in 0..<5 {
                let values = randomLogProbs(frames: frames, labels: labels.count, rng: &rng)
                let expected = exhaustiveTextProbabilities(values, frames: frames, labels: labels)
                let found = values.withUnsafeBufferPointer { decoder.decode(LogProbabilities($0, frames: frames, labels: labels.count)) }
                #expect(found.count == expected.count)
                for hypothesis in found {
                    let exact = expected[hypothesis.text] ?? .nan
                    #expect(abs(hypothesis.acousticScore - exact) < 1e-9, "\(labels) T=\(frames) '\(hypothesis.text)'")
                    #expect(hypothesis.score == hypothesis.acousticScore)
                }
                // best first
                #expect(found.first?.text == expected.max { $0.value < $1.value }?.key)
            }
        }
    }

    struct Golden: Decodable {
        struct Beam: Decodable { let text: String; let word_frames: [[WordFrame]]; let logit_score: Double; let score: Double }
        enum WordFrame: Decodable {
            case word(String), frame(Int)
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let i = try? c.decode(Int.self) { self = .frame(i) } else { self = .word(try c.decode(String.self)) }
            }
            var frame: Int { if case let .frame(i) = self { i } else { -1 } }
            var word: String { if case let .word(w) = self { w } else { "" } }
        }
        struct Utterance: Decodable { let reference: String; let frames: Int; let results: [String: [Beam]] }
        struct Config: Decodable { let beam_width: Int; let hotwords: [String]? }
        let labels: [String]
        let configs: [String: Config]
        let alpha_beta: [String: [Double]]
        let utterances: [Utterance]
    }

    static func golden() throws -> (Golden, [Float]) {
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: URL(fileURLWithPath: fixture("beam_golden.json"))))
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture("beam_logprobs.f32")))
        let values = data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
        return (golden, values)
    }

    @Test("the top hypothesis and its scores agree with pyctcdecode, word frames within 2 (atis_o3 LM, hotwords, no LM)",
          arguments: ["lm_beam32", "lm_beam8", "nolm_beam32", "lm_beam32_hotwords"])
    func agreesWithPyctcdecode(config: String) throws {
        let (golden, values) = try Self.golden()
        let model = try ARPAReader.read(path: fixture("atis_o3.arpa"))
        let settings = try #require(golden.configs[config])
        let alphaBeta = try #require(golden.alpha_beta[config])
        var options = BeamSearchOptions(beamWidth: settings.beam_width, alpha: alphaBeta[0], beta: alphaBeta[1])
        options.scoreEmptyFinalWordAsUnknown = true
        let decoder = CTCBeamSearchDecoder(labels: try CTCLabels(golden.labels), languageModel: config.hasPrefix("nolm") ? nil : model, options: options)
        let hotwords = settings.hotwords.map { Hotwords($0, weight: 10) }
        var offset = 0
        for utterance in golden.utterances {
            let count = utterance.frames * golden.labels.count
            let slice = Array(values[offset..<(offset + count)])
            offset += count
            let found = slice.withUnsafeBufferPointer { decoder.decode(LogProbabilities($0, frames: utterance.frames, labels: golden.labels.count), hotwords: hotwords) }
            let expected = try #require(utterance.results[config]?.first)
            let best = try #require(found.first)
            #expect(best.text == expected.text, "\(config): '\(best.text)' vs pyctcdecode '\(expected.text)'")
            #expect(abs(best.acousticScore - expected.logit_score) < 1e-3 && abs(best.score - expected.score) < 1e-3,
                    "\(config) '\(expected.text)': \(best.acousticScore)/\(best.score) vs \(expected.logit_score)/\(expected.score)")
            // word frames come from one alignment among merged ones (pyctcdecode keeps the first merged, tao the likeliest)
            let frames = best.words.flatMap { [$0.startFrame, $0.endFrame] }, theirs = expected.word_frames.flatMap { [$0[1].frame, $0[2].frame] }
            #expect(frames.count == theirs.count && zip(frames, theirs).allSatisfy { abs($0 - $1) <= 2 }, "\(frames) vs \(theirs)")
        }
    }

    /// Log-probabilities that spell `path` (one label per frame), with `others` spread on the rest.
    static func spelled(_ path: [Int], labels: Int, peak: Float = 0.9) -> [Float] {
        path.flatMap { best in (0..<labels).map { log($0 == best ? peak : (1 - peak) / Float(labels - 1)) } }
    }

    @Test("labels without a valid blank are a clear error")
    func badLabels() {
        #expect(throws: DecodingError.self) { try CTCLabels([]) }
        #expect(throws: DecodingError.self) { try CTCLabels(["a", ""], blank: 2) }
    }

    @Test("greedy decoding collapses repeats, drops blanks and gives word frames")
    func greedy() throws {
        let labels = try CTCLabels([" ", "a", "b", ""])
        // frames: a a _ a b _ ' ' b b _
        let path = [1, 1, 3, 1, 2, 3, 0, 2, 2, 3]
        let values = Self.spelled(path, labels: 4)
        let words = values.withUnsafeBufferPointer { CTCGreedyDecoder(labels: labels).decode(LogProbabilities($0, frames: path.count, labels: 4)) }
        #expect(words.map(\.word) == ["aab", "b"])
        #expect(words.map { [$0.startFrame, $0.endFrame] } == [[0, 5], [7, 9]])
        #expect(words.allSatisfy { abs($0.confidence - 0.9) < 1e-5 })
    }

    @Test("subword labels spell words with ▁ and with ## (greedy and beam)")
    func subwords() throws {
        for labelSet in [["▁the", "▁ca", "t", "s", ""], ["the", "ca", "##t", "##s", ""]] {
            let labels = try CTCLabels(labelSet)
            #expect(labels.kind == .subwords)
            let path = [0, 4, 1, 1, 2, 4, 3]
            let values = Self.spelled(path, labels: 5)
            values.withUnsafeBufferPointer { buffer in
                let logProbs = LogProbabilities(buffer, frames: path.count, labels: 5)
                #expect(CTCGreedyDecoder(labels: labels).transcript(logProbs) == "the cats")
                let best = CTCBeamSearchDecoder(labels: labels, options: .init(beamWidth: 8)).decode(logProbs).first
                #expect(best?.text == "the cats")
                #expect(best?.words.map { [$0.startFrame, $0.endFrame] } == [[0, 1], [2, 7]])
            }
        }
    }

    @Test("a hotword flips an ambiguous word to itself; an absent hotword changes nothing")
    func hotwords() throws {
        let labels = try CTCLabels([" "] + "abcdefghijklmnopqrstuvwxyz'".map(String.init) + [""])
        let index = { (c: Character) in labels.labels.firstIndex(of: String(c))! }
        // "denber" slightly more likely than "denver" at the 4th letter
        var values: [Float] = []
        for (i, c) in "denver".enumerated() {
            var row = [Float](repeating: log(0.02 / 27), count: 29)
            if i == 3 { row[index("b")] = log(0.5); row[index("v")] = log(0.48) } else { row[index(c)] = log(0.98) }
            values += row
        }
        let decoder = CTCBeamSearchDecoder(labels: labels, options: .init(beamWidth: 16))
        values.withUnsafeBufferPointer { buffer in
            let logProbs = LogProbabilities(buffer, frames: 6, labels: 29)
            #expect(decoder.decode(logProbs).first?.text == "denber")
            #expect(decoder.decode(logProbs, hotwords: Hotwords(["denver"], weight: 10)).first?.text == "denver")
            #expect(decoder.decode(logProbs, hotwords: Hotwords(["boston", "dallas"], weight: 10)).first?.text == "denber")
        }
    }

    @Test("decoding a batch on all cores gives the same N-best as one by one")
    func batch() throws {
        let (golden, values) = try Self.golden()
        let decoder = CTCBeamSearchDecoder(labels: try CTCLabels(golden.labels), languageModel: try ARPAReader.read(path: fixture("atis_o3.arpa")),
                                           options: .init(beamWidth: 16))
        var batch: [(values: [Float], frames: Int)] = []
        var offset = 0
        for utterance in golden.utterances {
            let count = utterance.frames * golden.labels.count
            batch.append((Array(values[offset..<(offset + count)]), utterance.frames))
            offset += count
        }
        let together = decoder.decodeBatch(batch)
        for (item, result) in zip(batch, together) {
            let alone = item.values.withUnsafeBufferPointer { decoder.decode(LogProbabilities($0, frames: item.frames, labels: golden.labels.count)) }
            #expect(alone.map(\.text) == result.map(\.text) && alone.map(\.score) == result.map(\.score))
        }
    }
}

@Test("by default an utterance ending in a word is not penalized as pyctcdecode's empty final word is")
func emptyFinalWordScoring() throws {
    let (golden, values) = try CTCBeamSearchTests.golden()
    let utterance = golden.utterances[0]
    let model = try ARPAReader.read(path: fixture("atis_o3.arpa"))
    let slice = Array(values[0..<(utterance.frames * golden.labels.count)])
    var options = BeamSearchOptions(beamWidth: 32, alpha: 0.5, beta: 1.0)
    let labels = try CTCLabels(golden.labels)
    let sane = slice.withUnsafeBufferPointer {
        CTCBeamSearchDecoder(labels: labels, languageModel: model, options: options)
            .decode(LogProbabilities($0, frames: utterance.frames, labels: golden.labels.count)).first?.text
    }
    options.scoreEmptyFinalWordAsUnknown = true
    let compatible = slice.withUnsafeBufferPointer {
        CTCBeamSearchDecoder(labels: labels, languageModel: model, options: options)
            .decode(LogProbabilities($0, frames: utterance.frames, labels: golden.labels.count)).first?.text
    }
    #expect(sane == utterance.reference)
    #expect(compatible == utterance.results["lm_beam32"]?.first?.text && compatible != sane)
}
