import Testing
@testable import TAOText

/// SplitMix64: a small seeded generator, so every run sees the same "random" strings.
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

/// Random strings mixing ASCII, Latin-1, combining marks, CJK, emoji, controls and any valid scalar.
func randomStrings(count: Int, seed: UInt64) -> [String] {
    var rng = SeededGenerator(state: seed)
    let tricky = Array("0123456789$£€%&.,-'’ \t\n\u{0}\u{7}\u{200B}\u{FFFD}\u{301}\u{308}éßİı中日한😀👍🏽[]#@?!…—")
    return (0..<count).map { _ in
        var text = ""
        for _ in 0..<Int.random(in: 0...40, using: &rng) {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: text.append(tricky[Int.random(in: 0..<tricky.count, using: &rng)])
            case 1: text.append(Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &rng))))
            default:
                if let scalar = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &rng)) {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        return text
    }
}

@Test("on random text, pieces have in-bounds, ordered offsets and word indices that never go back")
func bertPiecesInvariants() throws {
    let tokenizer = try BertTokenizer(vocabulary: #require(bertVocabulary))
    for text in randomStrings(count: 400, seed: 1) {
        let pieces = tokenizer.pieces(text)
        let scalarCount = text.unicodeScalars.count
        #expect(pieces.allSatisfy { $0.offsets.lowerBound >= 0 && $0.offsets.upperBound <= scalarCount && !$0.offsets.isEmpty })
        #expect(zip(pieces, pieces.dropFirst()).allSatisfy {
            $0.offsets.lowerBound <= $1.offsets.lowerBound && $0.wordIndex <= $1.wordIndex
                && $0.preTokenIndex <= $1.preTokenIndex
        }, "\(text.debugDescription)")
        #expect(pieces.allSatisfy { tokenizer.vocabulary.token(for: $0.id) == $0.token })
    }
}

@Test("normalized random text holds only the alphabet and single spaces")
func normalizerOutputInvariant() {
    let normalizer = TextNormalizer()
    let allowed = Set("abcdefghijklmnopqrstuvwxyz' ")
    for text in randomStrings(count: 400, seed: 2) {
        let normalized = normalizer(text)
        #expect(normalized.allSatisfy(allowed.contains), "\(text.debugDescription) -> \(normalized)")
        #expect(!normalized.contains("  ") && normalized.first != " " && normalized.last != " ")
        #expect(normalizer(normalized) == normalized, "normalizing twice changes \(normalized)")
    }
}

@Test("labels made from a labelled example's punctuated text give the example back")
func punctuationLabelsRoundTrip() {
    let labeler = PunctuationCapitalizationLabeler()
    for text in randomStrings(count: 400, seed: 3) {
        let example = labeler.example(from: text)
        #expect(example.words.count == example.labels.count)
        #expect(example.words.allSatisfy { !$0.isEmpty && !$0.contains(" ") })
        let again = labeler.example(from: example.punctuatedText)
        #expect(again == example, "\(text.debugDescription)")
    }
}
