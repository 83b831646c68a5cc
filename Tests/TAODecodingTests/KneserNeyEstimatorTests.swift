import Foundation
import Testing
@testable import TAODecoding

/// Compares an estimated model with a sampled KenLM ARPA (`*.sample.tsv`, see scripts/ngram_sample_golden.py).
func expectMatchesSample(_ estimate: NGramEstimate, _ sampleName: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let lines = try fixtureLines(sampleName)
    let declared = lines[0].split(separator: "\t").dropFirst().compactMap { Int($0) }
    #expect(estimate.counts == declared, sourceLocation: sourceLocation)
    let model = try estimate.model()
    var missing: [String] = [], worst = 0.0
    for line in lines.dropFirst() {
        let fields = line.split(separator: "\t").map(String.init)
        let words = fields[1].split(separator: " ").map(String.init)
        guard let entry = model.entry(words) else { missing.append(fields[1]); continue }
        worst = max(worst, abs(Double(entry.log10Prob) - Double(fields[0])!), abs(Double(entry.log10Backoff) - Double(fields[2])!))
    }
    #expect(missing.isEmpty, "missing \(missing.prefix(5))", sourceLocation: sourceLocation)
    #expect(worst < 1e-4, "largest difference \(worst)", sourceLocation: sourceLocation)
}

/// Compares every n-gram of two models (both directions).
func expectSameNGrams(_ model: NGramModel, _ reference: NGramModel, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(model.counts == reference.counts, sourceLocation: sourceLocation)
    var missing = 0, worst: Float = 0
    reference.forEachNGram { words, prob, backoff in
        guard let entry = model.entry(words.map { reference.vocabulary.words[Int($0)] }) else { missing += 1; return }
        worst = max(worst, abs(entry.log10Prob - prob), abs(entry.log10Backoff - backoff))
    }
    #expect(missing == 0 && worst < 1e-4, "missing \(missing), largest difference \(worst)", sourceLocation: sourceLocation)
}

@Suite("modified Kneser-Ney estimation against KenLM's lmplz")
struct KneserNeyEstimatorTests {
    static let atisO3 = Result { try KneserNeyEstimator.estimate(corpus: fixture("atis_train.txt"), options: .init(order: 3)) }

    @Test("atis_train order 3: every n-gram, probability and backoff of lmplz's ARPA within 1e-4, same discounts")
    func atisOrder3() throws {
        let estimate = try Self.atisO3.get()
        expectSameNGrams(try estimate.model(), try ARPAReader.read(path: fixture("atis_o3.arpa")))
        let lmplz = [Discount(d1: 0.574194, d2: 1.07781, d3: 0.919903), Discount(d1: 0.694939, d2: 1.04556, d3: 1.40655),
                     Discount(d1: 0.664529, d2: 1.12672, d3: 1.60526)]
        for (mine, theirs) in zip(estimate.discounts, lmplz) {
            #expect(abs(mine.d1 - theirs.d1) < 1e-5 && abs(mine.d2 - theirs.d2) < 1e-5 && abs(mine.d3 - theirs.d3) < 1e-5)
        }
        #expect(estimate.wordCount == 55434 && estimate.messages.isEmpty)
    }

    @Test("the ARPA text tao writes re-reads to the same model; the streamed file equals the text")
    func arpaRoundTrip() throws {
        let model = try Self.atisO3.get().model()
        expectSameNGrams(try ARPAReader.read(text: try Self.atisO3.get().arpaText()), model)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tao-\(UUID().uuidString).arpa").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.atisO3.get().writeARPA(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == (try Self.atisO3.get().arpaText()))
        let estimate = try Self.atisO3.get()
        var blocks: [[UInt8]] = []
        ARPAWriter.bytes(vocabulary: estimate.vocabulary, lists: estimate.lists, blockSize: 4096) { blocks.append($0) }
        #expect(blocks.count > 100 && Array(blocks.joined()) == ARPAWriter.bytes(vocabulary: estimate.vocabulary, lists: estimate.lists))
    }

    @Test("atis_train order 4 matches lmplz -o 4 (sampled n-grams)")
    func atisOrder4() throws {
        try expectMatchesSample(KneserNeyEstimator.estimate(corpus: fixture("atis_train.txt"), options: .init(order: 4)), "atis_o4.sample.tsv")
    }

    @Test("pruning [0, 1, 1] matches lmplz --prune 0 1 1 (sampled n-grams, counts 740/3195/5457)")
    func atisPruned() throws {
        let estimate = try KneserNeyEstimator.estimate(corpus: fixture("atis_train.txt"), options: .init(order: 3, pruning: [0, 1, 1]))
        try expectMatchesSample(estimate, "atis_o3_prune011.sample.tsv")
    }

    @Test("austen_small orders 3 and 5 match lmplz; the order-3 model answers KenLM's query goldens")
    func austenSmall() throws {
        let o3 = try KneserNeyEstimator.estimate(corpus: fixture("austen_small.txt"), options: .init(order: 3))
        try expectMatchesSample(o3, "austen_small_o3.sample.tsv")
        try expectQueriesMatch(try o3.model(), lm: "austen_small_o3.arpa")
        try expectPerplexitiesMatch(try o3.model(), lm: "austen_small_o3.arpa")
        let o5 = try KneserNeyEstimator.estimate(corpus: fixture("austen_small.txt"), options: .init(order: 5, discountFallback: true))
        try expectMatchesSample(o5, "austen_small_o5_fallback.sample.tsv")
        #expect(o5.messages.isEmpty)
    }

    @Test("atis_tiny10 needs fallback discounts for 3-grams: error without, lmplz's ARPA and a message with")
    func tinyFallback() throws {
        #expect(throws: DecodingError.self) {
            try KneserNeyEstimator.estimate(corpus: fixture("atis_tiny10.txt"), options: .init(order: 3))
        }
        let estimate = try KneserNeyEstimator.estimate(corpus: fixture("atis_tiny10.txt"), options: .init(order: 3, discountFallback: true))
        expectSameNGrams(try estimate.model(), try ARPAReader.read(path: fixture("atis_tiny10_o3_fallback.arpa")))
        #expect(estimate.discounts[2] == .fallback && estimate.discounts[1] != .fallback)
        #expect(estimate.messages.count == 1 && estimate.messages[0].hasPrefix("3-grams:"))
    }

    @Test("bad input gives clear errors: empty corpus, order 0, decreasing pruning, invalid UTF-8, <s> in text")
    func badInput() throws {
        #expect(throws: DecodingError.emptyCorpus(file: "<sentences>")) {
            try KneserNeyEstimator.estimate(sentences: ["", "  "], options: .init(order: 3))
        }
        #expect(throws: DecodingError.self) { try KneserNeyEstimator.estimate(sentences: ["a b"], options: .init(order: 0)) }
        #expect(throws: DecodingError.self) { try KneserNeyEstimator.estimate(sentences: ["a b"], options: .init(order: 3, pruning: [0, 2, 1])) }
        #expect(throws: DecodingError.invalidUTF8(file: "x.txt", line: 2)) {
            _ = try NGramCorpus(bytes: Array("a b\nc ".utf8) + [0xC3, 0x28] + [10], name: "x.txt")
        }
        #expect(throws: DecodingError.self) { try KneserNeyEstimator.estimate(sentences: ["a <s> b"], options: .init(order: 2)) }
    }
}

@Suite("estimated models are distributions")
struct KneserNeyNormalizationTests {
    @Test("for orders 1, 2 and 6, P(w | context) sums to 1 over the vocabulary (without <s>) in every context tried",
          arguments: [1, 2, 6])
    func sumsToOne(order: Int) throws {
        let sentences = try fixtureLines("atis_tiny10.txt") + fixtureLines("atis_test100.txt")
        let model = try KneserNeyEstimator.estimate(sentences: sentences, options: .init(order: order, discountFallback: true)).model()
        var contexts = [model.beginSentenceState, model.nullState]
        for sentence in sentences.prefix(5) {
            var state = model.beginSentenceState
            for word in model.ids(sentence) {
                state = model.score(state, word).state
                contexts.append(state)
            }
        }
        for context in contexts {
            var total = 0.0
            for word in 0..<UInt32(model.vocabulary.count) where word != model.sentenceBeginID {
                total += pow(10, Double(model.score(context, word).log10Prob))
            }
            #expect(abs(total - 1) < 1e-4, "context \(context.id): \(total)")
        }
    }
}
