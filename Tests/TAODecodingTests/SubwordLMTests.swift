import Foundation
import Testing
@testable import TAODecoding

@Suite("subword (token-level) n-gram LMs")
struct SubwordLMTests {
    @Test("token id t is the word chr(t + 100), as NeMo's train_kenlm.py writes it, and reads back")
    func encoding() {
        #expect(SubwordLMEncoding.word(0) == "d")
        #expect(SubwordLMEncoding.word(27) == "\u{7F}")
        #expect(SubwordLMEncoding.sentence([0, 5, 60]) == "d i \u{A0}")
        for id in 0..<2048 { #expect(SubwordLMEncoding.tokenID(SubwordLMEncoding.word(id)) == id) }
        #expect(SubwordLMEncoding.tokenID("a") == nil && SubwordLMEncoding.tokenID("de") == nil && SubwordLMEncoding.tokenID("") == nil)
    }

    /// A 3-gram LM over token sentences, estimated with discount fallback as for NeMo's subword LMs.
    static func tokenModel(_ sentences: [[Int]]) throws -> NGramEstimate {
        try KneserNeyEstimator.estimate(sentences: sentences.map(SubwordLMEncoding.sentence),
                                        options: KneserNeyOptions(order: 3, discountFallback: true))
    }

    @Test("a token LM estimated from encoded sentences survives ARPA (ids whose characters are Unicode spaces too) and is recognized as token-level")
    func estimationRoundTrip() throws {
        // ids 33 and 60 are U+0085 and U+00A0: Unicode whitespace that must stay inside words
        let sentences = [[3, 33, 60, 7], [3, 60, 7], [33, 33, 2], [7, 3, 60]]
        let estimate = try Self.tokenModel(sentences)
        let model = try estimate.model()
        let reread = try ARPAReader.read(text: estimate.arpaText(), name: "token.arpa")
        #expect(model.vocabulary.count == 3 + 5)  // <unk> <s> </s> and five tokens
        for sentence in sentences + [[60, 33, 3]] {
            let text = SubwordLMEncoding.sentence(sentence)
            #expect(abs(model.score(text) - reread.score(text)) < 1e-4, "\(sentence)")
            #expect(text.split(separator: " ").allSatisfy { reread.id($0) != 0 })
        }
        #expect(SubwordLMEncoding.isTokenLevel(reread, tokens: 61))
        #expect(!SubwordLMEncoding.isTokenLevel(reread, tokens: 60))  // id 60 is not a label of a 60-token model
        let words = try KneserNeyEstimator.estimate(sentences: ["the cat", "the dog"], options: KneserNeyOptions(order: 2, discountFallback: true)).model()
        #expect(!SubwordLMEncoding.isTokenLevel(words, tokens: 1000))
    }

    @Test("beam search with a token LM finds the token sequence maximizing log P_ctc + alpha ln P_lm + beta tokens (brute force, T <= 5)")
    func beamSearchMatchesBruteForce() throws {
        let labels = ["▁a", "b", "▁c", ""]
        let estimate = try Self.tokenModel([[0, 1], [0, 1, 2], [2, 0], [0, 1, 1]])
        let model = try estimate.model()
        let (alpha, beta) = (0.8, 0.4)
        let options = BeamSearchOptions(beamWidth: 1000, beamPruneLogp: -1e9, tokenMinLogp: -.infinity, alpha: alpha, beta: beta)
        let decoder = CTCBeamSearchDecoder(labels: try CTCLabels(labels), languageModel: model, options: options)
        #expect(decoder.fusesTokens)
        var rng = SeededGenerator(state: 7)
        for frames in 1...5 {
            for _ in 0..<4 {
                let values = randomLogProbs(frames: frames, labels: labels.count, rng: &rng)
                // every path's collapsed tokens, with the summed path probability
                var acoustic: [[Int]: Double] = [:]
                var path = [Int](repeating: 0, count: frames)
                for code in 0..<Int(pow(4.0, Double(frames))) {
                    var rest = code, logProb = 0.0
                    for t in 0..<frames { path[t] = rest % 4; rest /= 4; logProb += Double(values[t * 4 + path[t]]) }
                    let tokens = (0..<frames).filter { path[$0] != 3 && ($0 == 0 || path[$0] != path[$0 - 1]) }.map { path[$0] }
                    acoustic[tokens] = acoustic[tokens].map { logSumExp($0, logProb) } ?? logProb
                }
                func lmScore(_ tokens: [Int]) -> Double {
                    var state = model.beginSentenceState, log10Total = 0.0
                    for token in tokens {
                        let (log10Prob, next) = model.score(state, model.id(SubwordLMEncoding.word(token)))
                        log10Total += Double(log10Prob)
                        state = next
                    }
                    log10Total += Double(model.score(state, model.sentenceEndID).log10Prob)
                    return alpha * log10Total * log(10) + beta * Double(tokens.count)
                }
                let best = try #require(acoustic.max { $0.value + lmScore($0.key) < $1.value + lmScore($1.key) })
                let found = try #require(values.withUnsafeBufferPointer { decoder.decode(LogProbabilities($0, frames: frames, labels: 4)) }.first)
                let spelled = best.key.map { labels[$0] }.joined().split(separator: "▁").joined(separator: " ")
                #expect(found.text == spelled, "T=\(frames)")
                #expect(abs(found.score - (best.value + lmScore(best.key))) < 1e-6)
                #expect(abs(found.acousticScore - best.value) < 1e-6)
            }
        }
    }

    @Test("a token LM overrules weak acoustics, and word times come from the tokens' frames")
    func languageModelDecides() throws {
        let labels = ["▁the", "▁ca", "t", "s", ""]
        // acoustics: "▁the" then "▁ca" then "s" slightly above "t"
        let rows: [[Float]] = [[0.9, 0.025, 0.025, 0.025, 0.025], [0.02, 0.02, 0.02, 0.02, 0.92], [0.02, 0.9, 0.02, 0.02, 0.04],
                               [0.02, 0.02, 0.45, 0.49, 0.02], [0.02, 0.02, 0.02, 0.02, 0.92]]
        let values = rows.flatMap { $0.map(log) }
        let model = try Self.tokenModel([[0, 1, 2], [0, 1, 2], [1, 2], [0, 1, 2, 3]]).model()
        let ctcLabels = try CTCLabels(labels)
        func best(_ lm: NGramModel?) -> BeamHypothesis? {
            let decoder = CTCBeamSearchDecoder(labels: ctcLabels, languageModel: lm, options: .init(beamWidth: 16, alpha: 1, beta: 0))
            return values.withUnsafeBufferPointer { decoder.decode(LogProbabilities($0, frames: 5, labels: 5)) }.first
        }
        #expect(best(nil)?.text == "the cas")
        let fused = try #require(best(model))
        #expect(fused.text == "the cat")
        #expect(fused.words.map { [$0.startFrame, $0.endFrame] } == [[0, 1], [2, 4]])
    }
}
