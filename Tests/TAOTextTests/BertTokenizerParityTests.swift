import Foundation
import Testing
@testable import TAOText

/// One Hugging Face encoding from scripts/text_wordpiece_golden.py.
private struct GoldenEncoding: Decodable {
    let text: String
    let pair: String?
    let max_length: Int?
    let pad: Bool?
    let ids: [Int]
    let type_ids: [Int]
    let mask: [Int]
    let offsets: [[Int]?]
    let sequence: [Int?]
    let pretoken: [Int?]
    let words: [Int?]
}

private struct GoldenFile: Decodable {
    let uncased: [GoldenEncoding]
    let cased: [GoldenEncoding]
    let lowercase_keep_accents: [GoldenEncoding]
    let pairs: [GoldenEncoding]
    let truncated: [GoldenEncoding]
}

private let golden: GoldenFile? = {
    guard let data = FileManager.default.contents(atPath: fixturePath("wordpiece_golden.json")) else { return nil }
    return try? JSONDecoder().decode(GoldenFile.self, from: data)
}()

/// The differences between our encoding of `entry` and Hugging Face's, empty when they agree.
private func mismatches(_ tokenizer: BertTokenizer, _ entry: GoldenEncoding) throws -> [String] {
    let encoding: BertEncoding
    if let pair = entry.pair {
        encoding = try tokenizer.encode(
            entry.text, pairedWith: pair, maxLength: entry.max_length, padToMaxLength: entry.pad ?? false)
    } else {
        encoding = try tokenizer.encode(entry.text, maxLength: entry.max_length, padToMaxLength: entry.pad ?? false)
    }
    var problems: [String] = []
    let where_ = "\(entry.text.debugDescription.prefix(80))" + (entry.pair.map { " + \($0.debugDescription.prefix(40))" } ?? "")
    if encoding.ids != entry.ids { problems.append("\(where_): ids \(encoding.tokens) vs \(entry.ids)") }
    if encoding.typeIDs != entry.type_ids { problems.append("\(where_): type ids \(encoding.typeIDs)") }
    if encoding.attentionMask != entry.mask { problems.append("\(where_): mask \(encoding.attentionMask)") }
    let offsets = encoding.offsets.map { $0.map { [$0.lowerBound, $0.upperBound] } }
    if offsets != entry.offsets { problems.append("\(where_): offsets \(offsets) vs \(entry.offsets)") }
    if encoding.sequenceIndices != entry.sequence { problems.append("\(where_): sequence ids \(encoding.sequenceIndices)") }
    if encoding.wordIndices != entry.words { problems.append("\(where_): words \(encoding.wordIndices) vs \(entry.words)") }
    if entry.pair == nil && entry.max_length == nil {
        let preTokens: [Int?] = [nil] + tokenizer.pieces(entry.text).map(\.preTokenIndex) + [nil]
        if preTokens != entry.pretoken { problems.append("\(where_): pre-tokens \(preTokens) vs \(entry.pretoken)") }
    }
    return problems
}

private func checkAll(_ entries: [GoldenEncoding], _ tokenizer: BertTokenizer) throws {
    var problems: [String] = []
    for entry in entries { problems += try mismatches(tokenizer, entry) }
    #expect(problems.isEmpty, "\(problems.count) mismatches, first: \(problems.prefix(5).joined(separator: "\n"))")
}

@Test("uncased ids, offsets and word ids equal Hugging Face BertTokenizer on the golden strings")
func uncasedMatchesHuggingFace() throws {
    let golden = try #require(golden)
    let tokenizer = try BertTokenizer(vocabulary: #require(bertVocabulary))
    #expect(golden.uncased.count >= 500)
    try checkAll(golden.uncased, tokenizer)
}

@Test("cased (do_lower_case false) encodings equal Hugging Face's")
func casedMatchesHuggingFace() throws {
    let golden = try #require(golden)
    try checkAll(golden.cased, BertTokenizer(vocabulary: #require(bertVocabulary), lowercase: false))
}

@Test("lowercasing without accent stripping equals Hugging Face's strip_accents false")
func keepAccentsMatchesHuggingFace() throws {
    let golden = try #require(golden)
    try checkAll(
        golden.lowercase_keep_accents,
        BertTokenizer(vocabulary: #require(bertVocabulary), lowercase: true, stripAccents: false))
}

@Test("pairs with longest-first truncation and padding equal Hugging Face's")
func pairsMatchHuggingFace() throws {
    let golden = try #require(golden)
    try checkAll(golden.pairs, BertTokenizer(vocabulary: #require(bertVocabulary)))
}

@Test("single sentences truncated and padded to max_length equal Hugging Face's")
func truncationMatchesHuggingFace() throws {
    let golden = try #require(golden)
    let tokenizer = try BertTokenizer(vocabulary: #require(bertVocabulary))
    try checkAll(golden.truncated.filter { ($0.max_length ?? 3) >= 2 }, tokenizer)
}
