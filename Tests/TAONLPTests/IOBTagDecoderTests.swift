import Foundation
import TAOTensor
import Testing
@testable import TAONLP

@Suite("IOB2 tag decoding") struct IOBTagDecoderTests {
    static let labels = ["O", "B-from", "I-from", "B-to", "I-to", "B-time"]

    @Test("an I- tag of another type after B- is replaced by the best valid sequence, not kept as argmax would")
    func repairsTypeChange() throws {
        let decoder = try #require(IOBTagDecoder(labels: Self.labels))
        // "new york": argmax per word is B-from, I-to; I-from is the second choice of the second word.
        let words: [[Float]] = [[0.05, 0.80, 0.01, 0.12, 0.01, 0.01],
                                [0.05, 0.01, 0.40, 0.01, 0.52, 0.01]]
        #expect(decoder.decode(words) == [1, 2])
        // With a likelier B-to the sequence becomes B-to I-to instead.
        let other: [[Float]] = [[0.05, 0.45, 0.01, 0.47, 0.01, 0.01],
                                [0.05, 0.01, 0.40, 0.01, 0.52, 0.01]]
        #expect(decoder.decode(other) == [3, 4])
    }

    @Test("never starts with I-, and a word cut by truncation (no distribution) gets O and ends the span")
    func startsAndGaps() throws {
        let decoder = try #require(IOBTagDecoder(labels: Self.labels))
        let insideFirst: [Float] = [0.30, 0.05, 0.60, 0.02, 0.02, 0.01]
        #expect(decoder.decode([insideFirst]) == [0])
        #expect(decoder.decode([insideFirst, [], insideFirst]) == [0, 0, 0])
        #expect(decoder.decode([]) == [])
        // ATIS lists O last: a cut word still gets O, not the first tag.
        let atisStyle = try #require(IOBTagDecoder(labels: ["B-from", "I-from", "O"]))
        let from: [Float] = [0.8, 0.1, 0.1]
        #expect(atisStyle.outside == 2)
        #expect(atisStyle.decode([from, [], []]) == [0, 2, 2])
    }

    @Test("the decoded sequence is valid IOB2 and as probable as the best of all valid sequences (exhaustive check)")
    func matchesExhaustiveSearch() throws {
        let decoder = try #require(IOBTagDecoder(labels: Self.labels))
        let count = Self.labels.count
        var rng = RandomGenerator(seed: 11)
        for length in 1...4 {
            for _ in 0..<25 {
                let words = (0..<length).map { _ in
                    let raw = (0..<count).map { _ in rng.nextUniform() * rng.nextUniform() + 1e-4 }
                    let sum = raw.reduce(0, +)
                    return raw.map { $0 / sum }
                }
                let decoded = decoder.decode(words)
                #expect(Self.isValid(decoded))
                var best = -Float.infinity
                for code in 0..<Int(pow(Double(count), Double(length))) {
                    let sequence = (0..<length).map { code / Int(pow(Double(count), Double($0))) % count }
                    if Self.isValid(sequence) { best = max(best, Self.logProbability(sequence, words)) }
                }
                #expect(abs(Self.logProbability(decoded, words) - best) <= 1e-4, "length \(length): \(decoded)")
            }
        }
    }

    @Test("tag sets that are not IOB2 get no decoder: punctuation marks, plain labels, I- without its B-")
    func onlyIOB2() {
        #expect(IOBTagDecoder(labels: ["O", ",", ".", "?"]) == nil)
        #expect(IOBTagDecoder(labels: ["O", "B-person"]) == nil)
        #expect(IOBTagDecoder(labels: ["O", "B-person", "I-person", "I-place"]) == nil)
        #expect(IOBTagDecoder(labels: ["O", "B-person", "I-person"]) != nil)
    }

    private static func isValid(_ sequence: [Int]) -> Bool {
        var previous = "O"
        for label in sequence.map({ labels[$0] }) {
            if label.hasPrefix("I-"), previous.dropFirst(2) != label.dropFirst(2) || previous == "O" { return false }
            previous = label
        }
        return true
    }

    private static func logProbability(_ sequence: [Int], _ words: [[Float]]) -> Float {
        zip(sequence, words).reduce(0) { $0 + log($1.1[$1.0]) }
    }
}
