import Foundation
import Testing
@testable import TAONLP
import TAOTensor
import TAOText

@Suite("dataset readers") struct DataReaderTests {
    @Test("text_classification: header skipped, blank lines skipped, labels read")
    func textClassification() throws {
        let data = try TextClassificationData.read(folder: fixture("text_classification"), split: "train")
        #expect(data.examples.map(\.sequenceLabel) == [1, 0, 1])
        #expect(data.examples[0].words == ["the", "movie", "was", "great"])
        #expect(data.classCount == 2)
    }

    @Test("text_classification errors name file and line")
    func textClassificationErrors() throws {
        let folder = try temporaryFolder()
        let noTab = try write("sentence\tlabel\na fine film 1\n", folder, "a.tsv")
        #expect(dataError { _ = try TextClassificationData.read(noTab) }?.description.hasPrefix("\(noTab):2: ") == true)
        let badLabel = try write("good\t1\nbad\tnegative\n", folder, "b.tsv")
        #expect(dataError { _ = try TextClassificationData.read(badLabel) }
            == .badLabel(path: badLabel, line: 2, label: "negative", expected: "an integer class id from 0"))
        let outOfRange = try write("good\t1\nbad\t2\n", folder, "c.tsv")
        #expect(dataError { _ = try TextClassificationData.read(outOfRange, classCount: 2) }
            == .labelOutOfRange(path: outOfRange, line: 2, id: 2, count: 2))
        let missing = folder + "/nope.tsv"
        let error = dataError { _ = try TextClassificationData.read(missing) }
        #expect(error?.description.hasPrefix("\(missing): no such file (expected ") == true)
        var bytes = Data("good\t1\n".utf8)
        bytes += [0x62, 0xFF, 0x09, 0x30, 0x0A]  // "b\xFF\t0"
        let badUTF8 = folder + "/d.tsv"
        try bytes.write(to: URL(fileURLWithPath: badUTF8))
        #expect(dataError { _ = try TextClassificationData.read(badUTF8) } == .badEncoding(path: badUTF8, line: 2))
        #expect(NLPDataError.badEncoding(path: badUTF8, line: 2).description == "\(badUTF8):2: not valid UTF-8 (save the file as UTF-8)")
    }

    @Test("text_classification round-trips through write")
    func textClassificationRoundTrip() throws {
        let data = try TextClassificationData.read(fixture("text_classification/train.tsv"))
        let path = try temporaryFolder() + "/out.tsv"
        try data.write(to: path)
        #expect(try lines(path).first == "sentence\tlabel")
        #expect(try TextClassificationData.read(path) == data)
    }

    @Test("token_classification: labels from label_ids.csv, or built with O first")
    func tokenClassification() throws {
        let given = try LabelVocabulary.read(fixture("token_classification/label_ids.csv"))
        let data = try TokenClassificationData.read(
            textFile: fixture("token_classification/text_train.txt"),
            labelsFile: fixture("token_classification/labels_train.txt"), labels: given)
        #expect(data.examples[0].wordLabels == [[2, 0, 0, 1]])
        let built = try TokenClassificationData.read(
            textFile: fixture("token_classification/text_train.txt"),
            labelsFile: fixture("token_classification/labels_train.txt"))
        #expect(built.labels.labels == ["O", "B-LOC", "B-PER", "I-LOC"])
        let folder = try temporaryFolder()
        try built.write(textFile: folder + "/text_dev.txt", labelsFile: folder + "/labels_dev.txt")
        let ordered = try LabelVocabulary(labels: ["O", "I-LOC", "B-PER", "B-LOC"])
        try ordered.write(to: folder + "/label_ids.csv")
        let fromFolder = try TokenClassificationData.read(folder: folder, split: "dev")
        #expect(fromFolder.labels == ordered)  // the folder's label_ids.csv wins over building
        #expect(fromFolder.examples[0].wordLabels == [[2, 0, 0, 3]])
    }

    @Test("token_classification errors: word-count mismatch, unknown label, line counts")
    func tokenClassificationErrors() throws {
        let folder = try temporaryFolder()
        let text = try write("john lives here\nin paris\n", folder, "text.txt")
        let short = try write("B-PER O O\nO\n", folder, "labels.txt")
        #expect(dataError { _ = try TokenClassificationData.read(textFile: text, labelsFile: short) }
            == .wordCountMismatch(path: short, line: 2, words: 2, labels: 1, textPath: text))
        #expect(NLPDataError.wordCountMismatch(path: "l.txt", line: 2, words: 2, labels: 1, textPath: "t.txt").description
            == "l.txt:2: 1 labels for the 2 words of t.txt:2 (give one label per word)")
        let unknown = try write("B-PER O O\nO B-CITY\n", folder, "labels2.txt")
        let vocabulary = try LabelVocabulary(labels: ["O", "B-PER", "B-LOC"])
        let error = dataError { _ = try TokenClassificationData.read(textFile: text, labelsFile: unknown, labels: vocabulary) }
        #expect(error?.description.hasPrefix("\(unknown):2: unknown label 'B-CITY' (expected one of the labels 'O', 'B-PER', 'B-LOC'") == true)
        let oneLine = try write("B-PER O O\n", folder, "labels3.txt")
        #expect(dataError { _ = try TokenClassificationData.read(textFile: text, labelsFile: oneLine) }
            == .lineCountMismatch(path: oneLine, lines: 1, otherPath: text, otherLines: 2))
    }

    @Test("label vocabulary: repeated label names file and line; write and read round-trip")
    func labelVocabulary() throws {
        let folder = try temporaryFolder()
        let path = try write("O\nB-PER\nO\n", folder, "label_ids.csv")
        #expect(dataError { _ = try LabelVocabulary.read(path) }
            == .badLabelVocabulary(path: path, line: 3, reason: "'O' already has id 0"))
        let vocabulary = LabelVocabulary(building: ["I-LOC", "B-PER", "O", "B-LOC"], padLabel: "O")
        #expect(vocabulary.labels == ["O", "B-LOC", "B-PER", "I-LOC"])
        try vocabulary.write(to: folder + "/v.csv")
        #expect(try LabelVocabulary.read(folder + "/v.csv") == vocabulary)
        #expect(LabelVocabulary(building: ["B-X"]).labels == ["O", "B-X"])  // the pad label even when unseen
    }

    @Test("intent_slot: dictionaries, header, slot ids per word")
    func intentSlot() throws {
        let data = try IntentSlotData.read(folder: fixture("intent_slot"), split: "train")
        #expect(data.intents.labels == ["flight", "weather"])
        #expect(data.slots.labels.last == "O")
        #expect(data.examples[1].sequenceLabel == 1)
        #expect(data.examples[1].wordLabels == [[2, 2, 2, 2, 2, 0, 1]])
        let folder = try temporaryFolder()
        try data.write(folder: folder, split: "train")
        #expect(try IntentSlotData.read(folder: folder, split: "train") == data)
    }

    @Test("intent_slot errors name file and line (header counted)")
    func intentSlotErrors() throws {
        let folder = try temporaryFolder()
        try write("flight\nweather\n", folder, "dict.intents.csv")
        try write("B-city\nO\n", folder, "dict.slots.csv")
        try write("sentence\tlabel\nto boston\t0\nrain\t5\n", folder, "train.tsv")
        try write("1 0\n1\n", folder, "train_slots.tsv")
        #expect(dataError { _ = try IntentSlotData.read(folder: folder, split: "train") }
            == .labelOutOfRange(path: folder + "/train.tsv", line: 3, id: 5, count: 2))
        try write("sentence\tlabel\nto boston\t0\nrain\t1\n", folder, "train.tsv")
        try write("1 0\n1 1\n", folder, "train_slots.tsv")
        #expect(dataError { _ = try IntentSlotData.read(folder: folder, split: "train") }
            == .wordCountMismatch(path: folder + "/train_slots.tsv", line: 2, words: 1, labels: 2,
                                  textPath: folder + "/train.tsv:3"))
        try write("1 0\n7\n", folder, "train_slots.tsv")
        #expect(dataError { _ = try IntentSlotData.read(folder: folder, split: "train") }
            == .labelOutOfRange(path: folder + "/train_slots.tsv", line: 2, id: 7, count: 2))
        try write("1 0\nO\n", folder, "train_slots.tsv")
        #expect(dataError { _ = try IntentSlotData.read(folder: folder, split: "train") }?.description
            .hasPrefix(folder + "/train_slots.tsv:2: unknown label 'O' (expected a slot id") == true)
        #expect(dataError { _ = try IntentSlotData.read(folder: folder, split: "test") }
            == .missingFile(path: folder + "/test.tsv", expected: "an intent file of 'sentence<TAB>label' lines"))
    }

    @Test("punctuation_and_capitalization: labels to ids for both heads; errors name file and line")
    func punctuation() throws {
        let data = try PunctuationCapitalizationData.read(folder: fixture("punctuation"), split: "train")
        #expect(data.examples[0].punctuatedText == "Well, Mr Knightley? What is the weather in Boston.")
        #expect(data.labelledTexts[1].wordLabels == [[0, 0, 0, 2], [1, 0, 0, 0]])
        #expect(PunctuationCapitalizationData.punctuationLabels.labels == ["O", ",", ".", "?"])
        #expect(PunctuationCapitalizationData.capitalizationLabels.labels == ["O", "U"])
        #expect(PunctuationCapitalizationData.label(punctuation: 3, capitalization: 1)?.description == "?U")
        let folder = try temporaryFolder()
        let text = try write("hello there\n", folder, "text.txt")
        let labels = try write("OU !O\n", folder, "labels.txt")
        #expect(dataError { _ = try PunctuationCapitalizationData.read(textFile: text, labelsFile: labels) }
            == .badLabel(path: labels, line: 1, label: "!O", expected: "a mark (O , . ?) followed by U or O, e.g. 'OU' or ',O'"))
        let extra = try write("OU .O OO\n", folder, "labels2.txt")
        #expect(dataError { _ = try PunctuationCapitalizationData.read(textFile: text, labelsFile: extra) }
            == .wordCountMismatch(path: extra, line: 1, words: 2, labels: 3, textPath: text))
    }

    @Test("CRLF line ends and a byte-order mark are read as plain lines")
    func lineEnds() throws {
        let folder = try temporaryFolder()
        let path = try write("\u{FEFF}sentence\tlabel\r\ngood film\t1\r\n", folder, "crlf.tsv")
        let data = try TextClassificationData.read(path)
        #expect(data.examples == [LabelledText(words: ["good", "film"], sequenceLabel: 1)])
    }
}

@Test("readers never crash on garbage: they throw an NLPDataError or read what they can")
func garbageNeverCrashes() throws {
    let folder = try temporaryFolder()
    var generator = RandomGenerator(seed: 11)
    let alphabet = Array("ab \t\n\n0123456789-OU,.?:\u{0}é")
    for round in 0..<40 {
        let text = String((0..<Int.random(in: 0...80, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        let other = String((0..<Int.random(in: 0...80, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        let a = try write(text, folder, "a\(round).txt"), b = try write(other, folder, "b\(round).txt")
        try write("x\ny\n", folder, "dict.intents.csv")
        try write("B-x\nO\n", folder, "dict.slots.csv")
        try write(text, folder, "r.tsv")
        try write(other, folder, "r_slots.tsv")
        let attempts: [() throws -> Void] = [
            { _ = try TextClassificationData.read(a, classCount: 3) },
            { _ = try TokenClassificationData.read(textFile: a, labelsFile: b) },
            { _ = try PunctuationCapitalizationData.read(textFile: a, labelsFile: b) },
            { _ = try IntentSlotData.read(folder: folder, split: "r") },
            { _ = try LabelVocabulary.read(a) },
        ]
        for attempt in attempts {
            do { try attempt() } catch is NLPDataError {} catch { Issue.record("not an NLPDataError: \(error)") }
        }
    }
}

@Test("a word that is only a combining scalar (U+FE0F after an emoji, as WNUT-17 has) stays a word of its own")
func combiningScalarWords() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tao-combining-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let text = folder.appendingPathComponent("text.txt"), labels = folder.appendingPathComponent("labels.txt")
    try "so good \u{2764} \u{FE0F} enjoyed\n".write(to: text, atomically: true, encoding: .utf8)
    try "O O O O O\n".write(to: labels, atomically: true, encoding: .utf8)
    let data = try TokenClassificationData.read(textFile: text.path, labelsFile: labels.path)
    #expect(data.examples.first?.words == ["so", "good", "\u{2764}", "\u{FE0F}", "enjoyed"])
}
