import Foundation
import Testing
@testable import TAOText

@Test("bert-base-uncased vocab.txt loads with ids equal to line indices")
func loadsBertVocabulary() throws {
    let vocabulary = try #require(bertVocabulary)
    #expect(vocabulary.count == 30522)
    #expect(vocabulary.id(of: "[PAD]") == 0)
    #expect(vocabulary.id(of: "[UNK]") == 100)
    #expect(vocabulary.id(of: "[CLS]") == 101)
    #expect(vocabulary.id(of: "[SEP]") == 102)
    #expect(vocabulary.token(for: 102) == "[SEP]")
    #expect(vocabulary.token(for: 30522) == nil)
    #expect(vocabulary.token(for: -1) == nil)
    #expect(vocabulary.contains("##ing"))
}

@Test("a vocabulary round-trips through its file, with CRLF endings accepted")
func vocabularyRoundTrip() throws {
    let directory = try temporaryDirectory()
    let vocabulary = try Vocabulary(tokens: ["[PAD]", "a", "##b", "é"])
    let path = directory.appendingPathComponent("vocab.txt").path
    try vocabulary.write(toFile: path)
    #expect(try Vocabulary(contentsOfFile: path) == vocabulary)
    let crlf = directory.appendingPathComponent("crlf.txt").path
    try Data("[PAD]\r\na\r\n##b\r\né".utf8).write(to: URL(fileURLWithPath: crlf))
    #expect(try Vocabulary(contentsOfFile: crlf) == vocabulary)
    let bom = directory.appendingPathComponent("bom.txt").path
    try Data([0xEF, 0xBB, 0xBF] + Array("[PAD]\na\n##b\né\n".utf8)).write(to: URL(fileURLWithPath: bom))
    #expect(try Vocabulary(contentsOfFile: bom) == vocabulary)
}

@Test("tokens match byte for byte: precomposed and decomposed é are different tokens")
func vocabularyIsByteExact() throws {
    let vocabulary = try Vocabulary(tokens: ["\u{E9}", "e\u{301}"])
    #expect(vocabulary.id(of: "\u{E9}") == 0)
    #expect(vocabulary.id(of: "e\u{301}") == 1)
}

@Test("vocabulary errors name the file and the line")
func vocabularyErrorsNameFileAndLine() throws {
    let directory = try temporaryDirectory()
    let duplicate = directory.appendingPathComponent("dup.txt").path
    try Data("a\nb\na\n".utf8).write(to: URL(fileURLWithPath: duplicate))
    #expect(throws: TextError.badVocabularyLine(path: duplicate, line: 3, reason: "token 'a' repeats line 1")) {
        try Vocabulary(contentsOfFile: duplicate)
    }
    let empty = directory.appendingPathComponent("empty.txt").path
    try Data("a\n\nb\n".utf8).write(to: URL(fileURLWithPath: empty))
    #expect(throws: TextError.badVocabularyLine(path: empty, line: 2, reason: "empty token")) {
        try Vocabulary(contentsOfFile: empty)
    }
    let binary = directory.appendingPathComponent("binary.txt").path
    try Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: binary))
    #expect(throws: TextError.badVocabularyLine(path: binary, line: 2, reason: "not valid UTF-8")) {
        try Vocabulary(contentsOfFile: binary)
    }
    let missing = directory.appendingPathComponent("missing.txt").path
    do {
        _ = try Vocabulary(contentsOfFile: missing)
        Issue.record("reading a missing file should throw")
    } catch let error as TextError {
        #expect(error.description.hasPrefix("\(missing): cannot read"))
    }
    let description = TextError.badVocabularyLine(path: "v.txt", line: 3, reason: "empty token").description
    #expect(description == "v.txt:3: empty token (one token per line, each token once)")
}

@Test("a tokenizer needs its special tokens in the vocabulary")
func missingSpecialTokenThrows() throws {
    let vocabulary = try Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "a"])
    #expect(throws: TextError.missingToken(token: "[SEP]", vocabulary: "vocabulary")) {
        try BertTokenizer(vocabulary: vocabulary)
    }
}

@Test("a vocabulary cut to the ids a text uses tokenizes that text the same way")
func vocabularySubsetKeepsTokenization() throws {
    let full = try #require(bertVocabulary)
    let tokenizer = try BertTokenizer(vocabulary: full)
    let texts = ["Emma Woodhouse, handsome, clever, and rich.", "Show me flights from Boston to Denver!"]
    let used = try Set(texts.flatMap { try tokenizer.encode($0).ids })
    let keep = used.union(tokenizer.specialIDs).union(full.singleCharacterIDs())
    let (cut, originalIDs) = full.subset(keeping: keep.union([-1, 99_999]))
    #expect(cut.count == keep.count)
    #expect(originalIDs == keep.sorted())
    let cutTokenizer = try BertTokenizer(vocabulary: cut)
    for text in texts {
        let ids = try cutTokenizer.encode(text).ids
        #expect(ids.map { originalIDs[$0] } == (try tokenizer.encode(text).ids))
    }
    // A word outside the kept text still splits into characters rather than [UNK].
    #expect(cutTokenizer.tokenize("zyx") == ["z", "##y", "##x"])
    #expect(full.singleCharacterIDs().contains(try #require(full.id(of: "##q"))))
}
