import Foundation
import Testing
@testable import TAONLP
import TAOText

@Suite("dataset_convert converters") struct ConverterTests {
    @Test("ATIS to intent_slot: combined intents added after vocab.intent, O last, bad lines skipped with file and line")
    func atisToIntentSlot() throws {
        let target = try temporaryFolder()
        let summary = try ATISConverter.toIntentSlot(source: fixture("atis"), target: target)
        #expect(summary.examples == ["train": 4, "test": 2])
        #expect(summary.skipped.map(\.description) == [
            fixture("atis/train_dev") + ":4: no '<=> intent' at the end",
            fixture("atis/train_dev") + ":5: slot 'B-unknown_slot' is not in vocab.slot",
            fixture("atis/test") + ":3: intent 'atis_taxi' is not in vocab.intent",
        ])
        #expect(try lines(target + "/dict.intents.csv") == [
            "atis_airfare", "atis_flight", "atis_ground_service", "atis_flight;atis_airfare", "atis_airfare;atis_flight"])
        #expect(try lines(target + "/dict.slots.csv").last == "O")
        #expect(try lines(target + "/train.tsv").prefix(2) == ["sentence\tlabel", "i want to fly from boston to denver\t1"])
        #expect(try lines(target + "/train_slots.tsv").first == "5 5 5 5 5 0 5 1")
        let data = try IntentSlotData.read(folder: target, split: "test")
        #expect(data.examples.map(\.sequenceLabel) == [1, 4])
    }

    @Test("ATIS multi-intent 'first' keeps the first intent; to text_classification writes train/dev and class names")
    func atisOptions() throws {
        var options = ATISConverter.Options()
        options.multiIntent = .first
        let target = try temporaryFolder()
        _ = try ATISConverter.toIntentSlot(source: fixture("atis"), target: target, options: options)
        #expect(try lines(target + "/dict.intents.csv") == ["atis_airfare", "atis_flight", "atis_ground_service"])
        let classes = try temporaryFolder()
        let summary = try ATISConverter.toTextClassification(source: fixture("atis"), target: classes)
        #expect(summary.examples == ["train": 4, "dev": 2])
        let train = try TextClassificationData.read(classes + "/train.tsv", classCount: 5)
        #expect(train.examples.map(\.sequenceLabel) == [1, 0, 3, 1])
        #expect(try lines(classes + "/label_ids.csv").count == 5)
        #expect(dataError { _ = try ATISConverter.toIntentSlot(source: target, target: classes) }?.description
            .hasPrefix(target + "/vocab.intent: no such file") == true)
    }

    @Test("SNIPS: entity chunks become B-/I- slots per word; Latin-1 files read; small train files ignored")
    func snips() throws {
        let target = try temporaryFolder()
        let summary = try SNIPSConverter.toIntentSlot(source: fixture("snips"), target: target)
        #expect(summary.examples == ["train": 3, "test": 2])
        #expect(summary.skipped.count == 2)
        let data = try IntentSlotData.read(folder: target, split: "train")
        #expect(data.intents.labels == ["AddToPlaylist", "GetWeather"])
        #expect(data.slots.labels == ["B-artist", "B-city", "B-music_item", "B-playlist", "B-timeRange",
                                      "I-artist", "I-music_item", "I-playlist", "O"])
        func slots(_ example: LabelledText) -> [String] { example.wordLabels[0].map { data.slots.labels[$0] } }
        #expect(data.examples[0].words == ["Add", "another", "song", "to", "the", "Cita", "Romántica", "playlist."])
        #expect(slots(data.examples[0]) == ["O", "O", "B-music_item", "O", "O", "B-playlist", "I-playlist", "O"])
        #expect(data.examples[1].words == ["add", "clem", "burke's", "track", "to", "my", "list"])
        #expect(slots(data.examples[1]) == ["O", "B-artist", "I-artist", "O", "O", "O", "O"])
        #expect(data.examples[2].words == ["weather", "in", "Montréal", "tomorrow"])
        #expect(slots(data.examples[2]) == ["O", "O", "B-city", "B-timeRange"])
        let test = try IntentSlotData.read(folder: target, split: "test")
        #expect(slots(test.examples[0]) == ["O", "B-music_item", "I-music_item", "O", "O", "B-playlist", "I-playlist"])
    }

    @Test("SNIPS: two adjacent entities of one type stay two spans")
    func snipsAdjacentEntities() {
        let (words, slots) = SNIPSConverter.wordsAndSlots(chunks: [
            ("play ", nil), ("jazz", "genre"), (" ", nil), ("blues", "genre"), (" now", nil)])
        #expect(words == ["play", "jazz", "blues", "now"])
        #expect(slots == ["O", "B-genre", "B-genre", "O"])
    }

    @Test("CoNLL to token_classification: sentences at blank lines, -DOCSTART- skipped, bad sentence skipped")
    func conll() throws {
        let target = try temporaryFolder()
        let summary = try CoNLLConverter.toTokenClassification(
            files: [(fixture("conll/train.conll"), "train"), (fixture("conll/dev.conll"), "dev")], target: target)
        #expect(summary.examples == ["train": 2, "dev": 1])
        #expect(summary.skipped.map(\.description) == [
            fixture("conll/train.conll") + ":11: 'broken' has no tag column; its sentence is skipped"])
        #expect(try lines(target + "/text_train.txt") == ["@paul John Smith lives in New York", "The Hobbit rocks"])
        #expect(try lines(target + "/labels_train.txt").first == "O B-person I-person O O B-location I-location")
        #expect(try lines(target + "/label_ids.csv") == ["O", "B-creative-work", "B-location", "B-person", "I-location", "I-person"])
        let data = try TokenClassificationData.read(
            textFile: target + "/text_dev.txt", labelsFile: target + "/labels_dev.txt",
            labels: LabelVocabulary.read(target + "/label_ids.csv"))
        #expect(data.examples[0].wordLabels == [[2, 0, 0]])
    }

    @Test("CoNLL: two files of one split are joined, not overwritten; a notes file's lines are no tags and are skipped")
    func conllSeveralFilesPerSplit() throws {
        let source = try temporaryFolder(), target = try temporaryFolder()
        try "Zed\tB-person\n".write(toFile: source + "/train_extra.conll", atomically: true, encoding: .utf8)
        try "This is a readme file\nwith notes for humans\n".write(toFile: source + "/notes.txt", atomically: true, encoding: .utf8)
        let summary = try CoNLLConverter.toTokenClassification(
            files: [(fixture("conll/train.conll"), "train"), (source + "/train_extra.conll", "train"), (source + "/notes.txt", "train")],
            target: target)
        #expect(summary.examples == ["train": 3])
        #expect(try lines(target + "/text_train.txt") == ["@paul John Smith lives in New York", "The Hobbit rocks", "Zed"])
        #expect(summary.skipped.map(\.description).contains(source + "/notes.txt:1: 'file' is not an IOB tag (O, B-type, I-type); its sentence is skipped"))
        #expect(try !lines(target + "/label_ids.csv").contains("file"))
    }

    @Test("SNIPS: malformed chunks, a bad entity and multi-line names are skipped with a reason; mixed encodings and JSON errors are named")
    func snipsBadEntries() throws {
        let source = try temporaryFolder(), target = try temporaryFolder()
        try FileManager.default.createDirectory(atPath: source + "/Play", withIntermediateDirectories: true)
        func write(_ text: String, _ name: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: source + "/Play/" + name)) }
        try write(#"{"Play": [{"data": [{"text": "play "}, "lost words", {"text": " now"}]}, {"data": [{"text": "it", "entity": 5}]}, "#
                  + #"{"data": [{"text": "play "}, {"text": "jazz", "entity": "genre"}, {"text": " later", "entity": null}]}], "#
                  + #""Play\nMusic": [{"data": [{"text": "x"}]}]}"#, "train_Play_full.json")
        try write(#"{"Play": [{"data": [{"text": "play it"}]}]}"#, "validate_Play.json")
        let summary = try SNIPSConverter.toIntentSlot(source: source, target: target)
        #expect(summary.examples == ["train": 1, "test": 1])
        let reasons = summary.skipped.map(\.reason)
        #expect(reasons.filter { $0.contains("'data' must be a list of") }.count == 2, "\(reasons)")
        #expect(reasons.contains { $0.contains("an intent name is one line of text") }, "\(reasons)")
        #expect(try lines(target + "/dict.intents.csv") == ["Play"])
        // UTF-8 with one stray Latin-1 byte: the line is named instead of the whole file read as Latin-1.
        var mixed = Data(#"{"Play": [{"data": [{"text": "caf\#u{E9} "}]},"#.utf8)
        mixed += Data("\n".utf8) + Data([0x7B, 0x22, 0x64, 0x22, 0x3A, 0xE9, 0x7D]) + Data("]}".utf8)
        try mixed.write(to: URL(fileURLWithPath: source + "/Play/train_Play_full.json"))
        #expect { try SNIPSConverter.toIntentSlot(source: source, target: target) } throws: { "\($0)".contains("train_Play_full.json:2") }
        try write(#"{"Play": [{"data": [}"#, "train_Play_full.json")
        #expect { try SNIPSConverter.toIntentSlot(source: source, target: target) } throws: { "\($0)".contains("not valid JSON (") }
    }

    @Test("text_classification: a first line with a numeric label that is no class id is an error, not a header")
    func textClassificationHeader() throws {
        let folder = try temporaryFolder()
        try "hello world\t-1\nbad one\t1\n".write(toFile: folder + "/train.tsv", atomically: true, encoding: .utf8)
        #expect { try TextClassificationData.read(folder + "/train.tsv") } throws: { "\($0)".contains("train.tsv:1") }
        try "sentence\tlabel\nbad one\t1\n".write(toFile: folder + "/train.tsv", atomically: true, encoding: .utf8)
        #expect(try TextClassificationData.read(folder + "/train.tsv").examples.count == 1)
    }

    @Test("raw text to punctuation_and_capitalization: headings and bylines skipped, marks mapped, quotes and dashes dropped")
    func punctuation() throws {
        let target = try temporaryFolder()
        var options = PunctuationTextConverter.Options()
        options.devFraction = 0
        let summary = try PunctuationTextConverter.toPunctuationCapitalization(
            train: [fixture("raw/novel.txt")], target: target, options: options)
        #expect(summary.examples == ["train": 3])
        #expect(summary.skipped.map(\.line) == [1, 4, 6, 10, 20])
        let data = try PunctuationCapitalizationData.read(
            textFile: target + "/text_train.txt", labelsFile: target + "/labels_train.txt")
        #expect(data.examples[0].punctuatedText == "It was a fine morning in the village, the rain had gone, and Mr. Brook "
            + "walked out early. Will you come with me? said he to his sister who only laughed. She had other plans, "
            + "letters, calls, and a visit to the Parsonage.")
        #expect(data.examples[1].textLine == "no said she i cannot")
        #expect(data.examples[1].labelLine == ",U OO .O OU .O")
        #expect(try lines(target + "/punct_label_ids.csv") == ["O", ",", ".", "?"])
        #expect(try lines(target + "/capit_label_ids.csv") == ["O", "U"])
    }

    @Test("sentence windows: a piece from every sentence start and after every cut inside a long sentence; dev pieces left out")
    func sentenceWindows() throws {
        /// Words w0... labelled `.` at `ends`, `,` elsewhere.
        func example(_ count: Int, ends: Set<Int>, name: String = "w") throws -> PunctuationCapitalizationExample {
            let labels = try (0..<count).map { index in
                try #require(PunctuationCapitalizationLabel(punctuation: ends.contains(index) ? "." : ",", capitalized: false))
            }
            return PunctuationCapitalizationExample(words: (0..<count).map { "\(name)\($0)" }, labels: labels)
        }
        func words(_ pieces: [PunctuationCapitalizationExample]) -> [String] { pieces.map { $0.words.joined(separator: " ") } }
        let paragraph = try example(10, ends: [2, 6, 9])
        let pieces = PunctuationTextConverter.cut(paragraph, maxWords: 8, atEverySentence: false)
        #expect(words(pieces) == ["w0 w1 w2 w3 w4 w5 w6", "w7 w8 w9"])
        #expect(words(PunctuationTextConverter.windows([pieces], leavingOut: [], maxWords: 8))
            == ["w0 w1 w2 w3 w4 w5 w6", "w3 w4 w5 w6 w7 w8 w9", "w7 w8 w9"])
        let long = PunctuationTextConverter.cut(try example(12, ends: [11], name: "u"), maxWords: 5, atEverySentence: false)
        #expect(words(PunctuationTextConverter.windows([long], leavingOut: [], maxWords: 5))
            == ["u0 u1 u2 u3 u4", "u5 u6 u7 u8 u9", "u10 u11"])
        // Piece 1 of the first paragraph is dev: the runs on either side of it are windowed apart.
        let three = PunctuationTextConverter.cut(try example(9, ends: [2, 5, 8]), maxWords: 3, atEverySentence: false)
        #expect(words(PunctuationTextConverter.windows([three, long], leavingOut: [1], maxWords: 5))
            == ["w0 w1 w2", "w6 w7 w8", "u0 u1 u2 u3 u4", "u5 u6 u7 u8 u9", "u10 u11"])
        // One sentence per example: the window from each sentence start is that sentence, as the pieces are.
        let sentences = PunctuationTextConverter.cut(paragraph, maxWords: 8, atEverySentence: true)
        #expect(words(PunctuationTextConverter.windows([sentences], leavingOut: [], maxWords: 8, atEverySentence: true))
            == words(sentences))
        #expect(words(sentences) == ["w0 w1 w2", "w3 w4 w5 w6", "w7 w8 w9"])
    }

    @Test("punctuation conversion: examples stay within max words, sentence mode, seeded dev split, test files")
    func punctuationOptions() throws {
        var options = PunctuationTextConverter.Options()
        options.maxWords = 10
        options.devFraction = 0
        let packed = try temporaryFolder()
        _ = try PunctuationTextConverter.toPunctuationCapitalization(train: [fixture("raw/novel.txt")], target: packed, options: options)
        let pieces = try lines(packed + "/text_train.txt")
        #expect(pieces.allSatisfy { $0.split(separator: " ").count <= 10 })
        #expect(pieces.joined(separator: " ").split(separator: " ").count == 43 + 5 + 11)
        options.maxWords = 64
        options.oneSentencePerExample = true
        let sentences = try temporaryFolder()
        _ = try PunctuationTextConverter.toPunctuationCapitalization(
            train: [fixture("raw/novel.txt")], target: sentences, options: options)
        #expect(try lines(sentences + "/text_train.txt").prefix(3) == [
            "it was a fine morning in the village the rain had gone and mr brook walked out early", "will you come with me",
            "said he to his sister who only laughed"])  // the period of a title (Mr.) does not end a sentence
        options.oneSentencePerExample = false
        options.devFraction = 0.34
        options.seed = 5
        let split = try temporaryFolder(), again = try temporaryFolder()
        let summary = try PunctuationTextConverter.toPunctuationCapitalization(
            train: [fixture("raw/novel.txt")], test: [fixture("raw/novel.txt")], target: split, options: options)
        _ = try PunctuationTextConverter.toPunctuationCapitalization(
            train: [fixture("raw/novel.txt")], test: [fixture("raw/novel.txt")], target: again, options: options)
        #expect(summary.examples == ["train": 2, "dev": 1, "test": 3])
        #expect(try lines(split + "/text_dev.txt") == lines(again + "/text_dev.txt"))
        options.sentenceWindows = true
        let windowed = try temporaryFolder()
        let windowedSummary = try PunctuationTextConverter.toPunctuationCapitalization(
            train: [fixture("raw/novel.txt")], test: [fixture("raw/novel.txt")], target: windowed, options: options)
        #expect(windowedSummary.examples == ["train": 3, "dev": 1, "test": 3])
        #expect(try lines(windowed + "/text_dev.txt") == lines(split + "/text_dev.txt"))
        #expect(try lines(windowed + "/labels_test.txt") == lines(split + "/labels_test.txt"))
        options.sentenceWindows = false
        options.devFraction = 1
        #expect(dataError {
            _ = try PunctuationTextConverter.toPunctuationCapitalization(train: [fixture("raw/novel.txt")], target: split, options: options)
        } == .badOption(name: "dev_split", value: "1.0", expected: "a fraction in [0, 1)"))
    }
}
