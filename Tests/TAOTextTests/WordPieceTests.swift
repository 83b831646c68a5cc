import Testing
@testable import TAOText

private func tinyTokenizer() throws -> WordPieceTokenizer {
    try WordPieceTokenizer(vocabulary: Vocabulary(tokens: [
        "[UNK]", "un", "##aff", "##able", "una", "##ffa", "##ble", "want", "##want", "##ed", "runn", "##ing", "a", "##a",
    ]))
}

@Test("WordPiece picks the longest match first, then continues with ## pieces")
func wordPieceLongestMatchFirst() throws {
    let tokenizer = try tinyTokenizer()
    #expect(tokenizer.tokenize("unaffable") == ["una", "##ffa", "##ble"])
    #expect(tokenizer.tokenize("unwanted") == ["un", "##want", "##ed"])
    #expect(tokenizer.tokenize("running") == ["runn", "##ing"])
    #expect(tokenizer.pieces(of: "running").map(\.scalars) == [0..<4, 4..<7])
}

@Test("a word without a full split is one [UNK] covering the word")
func wordPieceUnknownWholeWord() throws {
    let tokenizer = try tinyTokenizer()
    #expect(tokenizer.tokenize("unwantedx") == ["[UNK]"])
    #expect(tokenizer.pieces(of: "unwantedx").first?.scalars == 0..<9)
    #expect(tokenizer.tokenize("") == [])
}

@Test("words over 100 scalars become [UNK]; 100 is still split")
func wordPieceLengthLimit() throws {
    let tokenizer = try tinyTokenizer()
    #expect(tokenizer.tokenize(String(repeating: "a", count: 100)).count == 100)
    #expect(tokenizer.tokenize(String(repeating: "a", count: 101)) == ["[UNK]"])
}

@Test("BasicTokenizer cleans, splits punctuation and CJK, lowercases and strips accents")
func basicTokenizerSteps() {
    let basic = BasicTokenizer()
    #expect(basic.tokenize(" \tHeLLo!How  \n Are yoU?  ") == ["hello", "!", "how", "are", "you", "?"])
    #expect(basic.tokenize("H\u{00E9}llo") == ["hello"])
    #expect(basic.tokenize("a\u{0}b\u{FFFD}c\u{200B}d") == ["abcd"])
    #expect(basic.tokenize("ah\u{535A}\u{63A8}zz") == ["ah", "\u{535A}", "\u{63A8}", "zz"])
    #expect(basic.tokenize("x\u{1FEF}y") == ["x", "`", "y"])
    let cased = BasicTokenizer(lowercase: false)
    #expect(cased.tokenize(" \tHeLLo!How  \n Are yoU?  ") == ["HeLLo", "!", "How", "Are", "yoU", "?"])
    let keepAccents = BasicTokenizer(lowercase: true, stripAccents: false)
    #expect(keepAccents.tokenize("H\u{00E9}llo") == ["h\u{00E9}llo"])
    let stripOnly = BasicTokenizer(lowercase: false, stripAccents: true)
    #expect(stripOnly.tokenize("H\u{00E9}llo") == ["Hello"])
    let noCJK = BasicTokenizer(tokenizeCJK: false)
    #expect(noCJK.tokenize("ah\u{535A}\u{63A8}zz") == ["ah\u{535A}\u{63A8}zz"])
}

@Test("never-split tokens stay whole only when they occur verbatim")
func basicTokenizerNeverSplit() {
    let basic = BasicTokenizer(neverSplit: ["[SEP]", "[UNK]"])
    #expect(basic.tokenize("a[SEP]b [UNK]") == ["a", "[SEP]", "b", "[UNK]"])
    #expect(basic.tokenize("[sep]") == ["[", "sep", "]"])
}

@Test("pieces map to whitespace words and original scalar offsets")
func piecesMapToWordsAndOffsets() throws {
    let tokenizer = try BertTokenizer(vocabulary: #require(bertVocabulary))
    let text = "Unaff\u{E1}ble re-opened, \u{1F600} ok"
    let pieces = tokenizer.pieces(text)
    #expect(pieces.map(\.token) == ["una", "##ffa", "##ble", "re", "-", "opened", ",", "[UNK]", "ok"])
    #expect(pieces.map(\.wordIndex) == [0, 0, 0, 1, 1, 1, 1, 2, 3])
    #expect(pieces.map(\.preTokenIndex) == [0, 0, 0, 1, 2, 3, 4, 5, 6])
    #expect(pieces.map(\.offsets) == [0..<3, 3..<6, 6..<9, 10..<12, 12..<13, 13..<19, 19..<20, 21..<22, 23..<25])
    let scalars = Array(text.unicodeScalars)
    #expect(String(String.UnicodeScalarView(scalars[pieces[5].offsets])) == "opened")
}

@Test("labels attach to the first piece of each word")
func firstPieceOfEachWord() throws {
    let tokenizer = try BertTokenizer(vocabulary: #require(bertVocabulary))
    let encoding = try tokenizer.encode("unaffable people, truly")
    #expect(encoding.tokens == ["[CLS]", "una", "##ffa", "##ble", "people", ",", "truly", "[SEP]"])
    #expect((0..<encoding.count).map(encoding.isFirstPieceOfWord) == [false, true, false, false, true, false, true, false])
    #expect(encoding.firstPiecePositions() == [0: 1, 1: 4, 2: 6])
}

@Test("encoding options that cannot work throw instead of crashing")
func encodingOptionErrors() throws {
    let tokenizer = try BertTokenizer(vocabulary: #require(bertVocabulary))
    #expect(throws: TextError.self) { try tokenizer.encode("a b", maxLength: 1) }
    #expect(throws: TextError.self) { try tokenizer.encode("a", pairedWith: "b", maxLength: 2) }
    #expect(throws: TextError.self) { try tokenizer.encode("a", padToMaxLength: true) }
    let padded = try tokenizer.encode("a", maxLength: 6, padToMaxLength: true)
    #expect(padded.ids == [101, 1037, 102, 0, 0, 0])
    #expect(padded.attentionMask == [1, 1, 1, 0, 0, 0])
}

@Test("longest-first truncation keeps the shorter text up to half the budget")
func longestFirstLengths() {
    #expect(BertTokenizer.longestFirstLengths(5, 3, budget: 10) == (5, 3))
    #expect(BertTokenizer.longestFirstLengths(5, 3, budget: 5) == (3, 2))
    #expect(BertTokenizer.longestFirstLengths(4, 4, budget: 5) == (2, 3))
    #expect(BertTokenizer.longestFirstLengths(1, 10, budget: 5) == (1, 4))
    #expect(BertTokenizer.longestFirstLengths(10, 1, budget: 5) == (4, 1))
}

@Test("decode joins ## pieces and skips special tokens")
func bertDecode() throws {
    let tokenizer = try BertTokenizer(vocabulary: #require(bertVocabulary))
    let encoding = try tokenizer.encode("Unaffable people")
    #expect(tokenizer.decode(encoding.ids) == "unaffable people")
    #expect(tokenizer.decode(encoding.ids, skippingSpecialTokens: false) == "[CLS] unaffable people [SEP]")
}

@Test("pre-split words keep one index per word, even a word with no pieces")
func encodePreSplitWords() throws {
    let tokenizer = try BertTokenizer(vocabulary: #require(bertVocabulary))
    let words = ["Unaffable", "\u{200B}", "people,", "ok"]
    let encoding = try tokenizer.encode(words: words)
    #expect(encoding.tokens == ["[CLS]", "una", "##ffa", "##ble", "people", ",", "ok", "[SEP]"])
    #expect(encoding.wordIndices == [nil, 0, 0, 0, 2, 2, 3, nil])
    #expect(encoding.firstPiecePositions() == [0: 1, 2: 4, 3: 6])
    let joined = words.joined(separator: " ")
    let spans = encoding.wordSpans()
    #expect(spans[2].flatMap { BertEncoding.substring(of: joined, scalarOffsets: $0) } == "people,")
    #expect(spans[1] == nil)
    // The same text as one string numbers its words by whitespace, where the lone U+200B is no word.
    #expect(try tokenizer.encode(joined).wordIndices == [nil, 0, 0, 0, 1, 1, 2, nil])
}

@Test("substring by scalar offsets stays inside the text")
func substringByScalarOffsets() {
    let text = "e\u{301}t\u{E9} \u{1F600}!"
    #expect(BertEncoding.substring(of: text, scalarOffsets: 0..<2) == "e\u{301}")
    #expect(BertEncoding.substring(of: text, scalarOffsets: 5..<7) == "\u{1F600}!")
    #expect(BertEncoding.substring(of: text, scalarOffsets: 5..<8) == nil)
    #expect(BertEncoding.substring(of: text, scalarOffsets: 9..<9) == nil)
}

@Test("a batch is padded to its longest encoding")
func batchPadding() throws {
    let tokenizer = try BertTokenizer(vocabulary: #require(bertVocabulary))
    let batch = try tokenizer.encodeBatch(["a", "a b c", ""], maxLength: 4)
    #expect(batch.map(\.count) == [4, 4, 4])
    #expect(batch[1].ids == [101, 1037, 1038, 102])
    #expect(batch[2].attentionMask == [1, 1, 0, 0])
}
