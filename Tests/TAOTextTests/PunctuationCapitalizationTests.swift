import Testing
@testable import TAOText

@Test("raw text becomes lowercase words and punctuation + capitalization labels")
func labelsFromRawText() {
    let example = PunctuationCapitalizationLabeler().example(from: "Well, Mr. Knightley, how do you do?")
    #expect(example.textLine == "well mr knightley how do you do")
    #expect(example.labelLine == ",U .U ,U OO OO OO ?O")
}

@Test("quotes, dashes and brackets separate words and carry no label; the strongest mark wins")
func labelsIgnoreQuotesAndDashes() {
    let labeler = PunctuationCapitalizationLabeler()
    let example = labeler.example(from: "\u{201C}Really?!\u{201D} said she--\u{201C}I don't (quite) know; it's 3.5 miles...\u{201D}")
    #expect(example.textLine == "really said she i don't quite know it's 3.5 miles")
    #expect(example.labelLine == "?U OO OO OU OO OO ,O OO OO .O")
    #expect(labeler.example(from: "the U.S.A. is big!").textLine == "the usa is big")
    #expect(labeler.example(from: "the U.S.A. is big!").labelLine == "OO .U OO .O")
    #expect(labeler.example(from: "Hello ?").labelLine == "?U")
    #expect(labeler.example(from: "... ,").words.isEmpty)
    #expect(labeler.example(from: "well-known").textLine == "well known")
}

@Test("labels put back on the words give the punctuated text")
func punctuatedTextRoundTrip() {
    let labeler = PunctuationCapitalizationLabeler()
    let raw = "Emma Woodhouse, handsome, clever, and rich, seemed to unite some of the best blessings of existence?"
    #expect(labeler.example(from: raw).punctuatedText == raw)
    #expect(labeler.example(from: "I said: no!").punctuatedText == "I said, no.")
}

@Test("label files parse back, and bad lines name the file and the line")
func labelLinesParse() throws {
    let example = try PunctuationCapitalizationExample(
        textLine: "hello world", labelLine: ",U .O", path: "labels_train.txt", line: 4)
    #expect(example.punctuatedText == "Hello, world.")
    #expect(throws: TextError.badDataLine(
        path: "labels_train.txt", line: 7, reason: "2 words but 1 labels (give one label per word)")) {
        try PunctuationCapitalizationExample(textLine: "hello world", labelLine: ",U", path: "labels_train.txt", line: 7)
    }
    #expect(throws: TextError.badDataLine(
        path: "l.txt", line: 2, reason: "label '!U' is not a mark (O , . ?) followed by U or O")) {
        try PunctuationCapitalizationExample(textLine: "hi", labelLine: "!U", path: "l.txt", line: 2)
    }
    #expect(PunctuationCapitalizationLabel("?X") == nil)
    #expect(PunctuationCapitalizationLabel("OU")?.capitalized == true)
}

@Test("running text is cut into examples at sentence ends, at most maxWords each")
func examplesFromRunningText() {
    let text = """
        CHAPTER I

        Emma Woodhouse was happy. She had lived nearly twenty-one years
        in the world with very little to distress or vex her.

        One two three four five six seven eight nine ten eleven twelve
        """
    let examples = PunctuationCapitalizationLabeler().examples(fromText: text, maxWords: 10)
    #expect(examples.map(\.textLine) == [
        "chapter i",
        "emma woodhouse was happy",
        "she had lived nearly twenty one years in the world",
        "with very little to distress or vex her",
        "one two three four five six seven eight nine ten",
        "eleven twelve",
    ])
    #expect(examples.allSatisfy { $0.words.count <= 10 && $0.words.count == $0.labels.count })
    #expect(examples[1].labelLine == "OU OU OO .O")
}
