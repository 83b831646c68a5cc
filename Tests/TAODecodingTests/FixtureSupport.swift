import Foundation
import Testing
@testable import TAODecoding

/// The path of a file in this target's Fixtures folder.
func fixture(_ name: String) -> String {
    let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    return url.appendingPathComponent(name).path
}

/// The non-empty lines of a fixture text file.
func fixtureLines(_ name: String) throws -> [String] {
    try String(contentsOfFile: fixture(name), encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
}

/// One record of KenLM's `query_golden.jsonl`.
struct QueryGolden: Decodable {
    let lm: String
    let set: String
    let sentence: String
    let total_log10: Double
    let words: [[QueryValue]]

    enum QueryValue: Decodable {
        case number(Double), flag(Bool)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) { self = .flag(flag) } else { self = .number(try container.decode(Double.self)) }
        }
        var number: Double { if case let .number(x) = self { x } else { .nan } }
        var flag: Bool { if case let .flag(x) = self { x } else { false } }
    }

    static func load(lm: String) throws -> [QueryGolden] {
        try fixtureLines("query_golden.jsonl").map { try JSONDecoder().decode(QueryGolden.self, from: Data($0.utf8)) }.filter { $0.lm == lm }
    }
}

/// One record of KenLM's `perplexity.json`.
struct PerplexityGolden: Decodable {
    let lm: String, text: String
    let ppl_incl_oov: Double, ppl_excl_oov: Double
    let oov: Int, tokens_incl_eos: Int

    static func load() throws -> [PerplexityGolden] {
        try JSONDecoder().decode([PerplexityGolden].self, from: Data(contentsOf: URL(fileURLWithPath: fixture("perplexity.json"))))
    }
}

/// Checks `model` against KenLM's per-word query goldens for the LM named `lm`.
func expectQueriesMatch(_ model: NGramModel, lm: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let goldens = try QueryGolden.load(lm: lm)
    #expect(goldens.count == 200, sourceLocation: sourceLocation)
    var worst = 0.0, mismatches = 0
    for golden in goldens {
        let scores = model.fullScores(golden.sentence)
        guard scores.count == golden.words.count else { mismatches += 1; continue }
        for (score, word) in zip(scores, golden.words) {
            worst = max(worst, abs(Double(score.log10Prob) - word[0].number))
            if score.ngramLength != Int(word[1].number) || score.isOOV != word[2].flag { mismatches += 1 }
        }
        let total = model.score(golden.sentence)
        #expect(abs(total - golden.total_log10) < 1e-4 * Double(scores.count), "\(golden.sentence)", sourceLocation: sourceLocation)
    }
    #expect(mismatches == 0, sourceLocation: sourceLocation)
    #expect(worst < 1e-4, "largest per-word difference \(worst)", sourceLocation: sourceLocation)
}

/// Checks `model`'s perplexities against KenLM's `query -v summary` for every text fixture present.
func expectPerplexitiesMatch(_ model: NGramModel, lm: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let goldens = try PerplexityGolden.load().filter { $0.lm == lm && FileManager.default.fileExists(atPath: fixture($0.text)) }
    #expect(!goldens.isEmpty, sourceLocation: sourceLocation)
    for golden in goldens {
        let result = model.perplexity(try fixtureLines(golden.text))
        #expect(result.tokenCount == golden.tokens_incl_eos && result.oovCount == golden.oov, "\(golden.text)", sourceLocation: sourceLocation)
        #expect(abs(result.includingOOV / golden.ppl_incl_oov - 1) < 1e-3, "\(golden.text) \(result.includingOOV)", sourceLocation: sourceLocation)
        #expect(abs(result.excludingOOV / golden.ppl_excl_oov - 1) < 1e-3, "\(golden.text) \(result.excludingOOV)", sourceLocation: sourceLocation)
    }
}
