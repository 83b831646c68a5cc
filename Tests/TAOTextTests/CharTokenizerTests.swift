import Testing
@testable import TAOText

@Test("the English label set is NeMo's: space, a-z, apostrophe, blank last (28)")
func englishLabels() throws {
    let tokenizer = CharTokenizer.english
    #expect(tokenizer.labels.count == 28)
    #expect(tokenizer.blankID == 28)
    #expect(tokenizer.outputCount == 29)
    #expect(try tokenizer.encode("it's a") == [9, 20, 27, 19, 0, 1])
    #expect(try tokenizer.decode([9, 20, 27, 19, 0, 1]) == "it's a")
}

@Test("decoding skips blanks and rejects ids outside the labels")
func charDecodeBlanksAndRange() throws {
    let tokenizer = CharTokenizer.english
    #expect(try tokenizer.decode([28, 8, 28, 9, 28]) == "hi")
    #expect(throws: TextError.idOutOfRange(id: 29, count: 29)) { try tokenizer.decode([29]) }
    #expect(throws: TextError.idOutOfRange(id: -1, count: 29)) { try tokenizer.decode([-1]) }
}

@Test("encoding reports every character outside the labels, once each")
func charEncodeReportsUnknowns() throws {
    let tokenizer = CharTokenizer.english
    #expect(tokenizer.unknownCharacters(in: "Hello, World!") == ["H", ",", "W", "!"])
    #expect(throws: TextError.unknownCharacters(text: "Hi, hi!", characters: ["H", ",", "!"])) {
        try tokenizer.encode("Hi, hi!")
    }
    let message = TextError.unknownCharacters(text: "Hi!", characters: ["H", "!"]).description
    #expect(message.contains("'H', '!'"))
}

@Test("label sets reject duplicates, empty lists and multi-character labels")
func charLabelValidation() throws {
    #expect(throws: TextError.self) { try CharTokenizer(labels: ["a", "b", "a"]) }
    #expect(throws: TextError.self) { try CharTokenizer(labels: []) }
    #expect(throws: TextError.self) { try CharTokenizer(labelStrings: ["a", "bc"]) }
    let custom = try CharTokenizer(labelStrings: ["▁", "é", "ü"])
    #expect(try custom.encode("üé▁") == [2, 1, 0])
    #expect(custom.blankID == 3)
}
