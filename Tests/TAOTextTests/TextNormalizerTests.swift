import Foundation
import Testing
@testable import TAOText

@Test("cardinals, including large numbers", arguments: [
    (0, "zero"), (7, "seven"), (13, "thirteen"), (20, "twenty"), (21, "twenty one"), (100, "one hundred"),
    (101, "one hundred one"), (999, "nine hundred ninety nine"), (1000, "one thousand"),
    (1_001, "one thousand one"), (12_345, "twelve thousand three hundred forty five"),
    (1_000_000, "one million"), (2_000_300_004, "two billion three hundred thousand four"),
    (-42, "minus forty two"),
    (9_223_372_036_854_775_807,
     "nine quintillion two hundred twenty three quadrillion three hundred seventy two trillion thirty six billion eight hundred fifty four million seven hundred seventy five thousand eight hundred seven"),
])
func cardinals(number: Int, words: String) {
    #expect(EnglishNumbers.cardinal(number) == words)
}

@Test("ordinals", arguments: [
    (1, "first"), (2, "second"), (3, "third"), (4, "fourth"), (5, "fifth"), (8, "eighth"), (9, "ninth"),
    (12, "twelfth"), (20, "twentieth"), (21, "twenty first"), (42, "forty second"), (100, "one hundredth"),
    (1_000_000, "one millionth"),
])
func ordinals(number: Int, words: String) {
    #expect(EnglishNumbers.ordinal(number) == words)
}

@Test("years", arguments: [
    (1984, "nineteen eighty four"), (1900, "nineteen hundred"), (1905, "nineteen oh five"),
    (1066, "one thousand sixty six"), (2000, "two thousand"), (2008, "two thousand eight"),
    (2010, "twenty ten"), (2024, "twenty twenty four"), (2100, "two thousand one hundred"),
])
func years(number: Int, words: String) {
    #expect(EnglishNumbers.year(number) == words)
}

@Test("decimals and digit strings")
func decimals() {
    #expect(EnglishNumbers.decimal("3.5") == "three point five")
    #expect(EnglishNumbers.decimal("0.25") == "zero point two five")
    #expect(EnglishNumbers.decimal(".5") == "point five")
    #expect(EnglishNumbers.decimal("1,200") == "one thousand two hundred")
    #expect(EnglishNumbers.decimal("x") == nil)
    #expect(EnglishNumbers.decimal(".") == nil)
    #expect(EnglishNumbers.decimal("1,2") == nil)
    #expect(EnglishNumbers.decimal("1234,567") == nil)
    #expect(EnglishNumbers.decimal("12,345,678.5") == "twelve million three hundred forty five thousand six hundred seventy eight point five")
    #expect(EnglishNumbers.integer("007") == "zero zero seven")
    #expect(EnglishNumbers.integer("1234567890123456789012") == EnglishNumbers.digitByDigit("1234567890123456789012"))
}

@Test("text normalization known answers", arguments: [
    ("Hello, World!", "hello world"),
    ("It's 3.5 miles.", "it's three point five miles"),
    ("The 21st of May, 1984", "the twenty first of may nineteen eighty four"),
    ("$5", "five dollars"), ("$1", "one dollar"), ("$5.50", "five dollars fifty cents"), ("$0.99", "ninety nine cents"),
    ("$2.5 million", "two point five million dollars"), ("£3", "three pounds"), ("€1.01", "one euro one cent"),
    ("50% off", "fifty percent off"), ("3.5%", "three point five percent"),
    ("1,200 people", "one thousand two hundred people"), ("1,2,3", "one two three"),
    ("-4 degrees", "minus four degrees"), ("pages 5-10", "pages five ten"),
    ("the 1990s and the 80s", "the nineteen nineties and the eighties"),
    ("Café naïve Straße Ærø", "cafe naive strasse aero"),
    ("O’Brien said ‘yes’", "o'brien said yes"), ("the boys' toys", "the boys' toys"), ("'tis", "tis"),
    ("AT&T", "at and t"), ("ﬁne ２０ apples", "fine twenty apples"), ("x²", "x two"),
    ("  many   spaces\tand\nlines  ", "many spaces and lines"), ("e-mail", "e mail"),
    ("Москва 2020", "twenty twenty"), ("mp3 player", "mp three player"), ("Room 007", "room zero zero seven"),
    ("In 1984, Ms. O’Brien paid $5.50 for 3.5% of the 21st lot.",
     "in nineteen eighty four ms o'brien paid five dollars fifty cents for three point five percent of the twenty first lot"),
    ("$1,000,000", "one million dollars"), ("$100 billion", "one hundred billion dollars"),
    ("€0.50", "fifty cents"), ("$.50", "fifty cents"), ("¥500", "five hundred yen"), ("£1.01", "one pound one penny"),
    ("$3.999", "three point nine nine nine dollars"), ("1.5.3", "one point five three"), ("11th", "eleventh"),
    ("(-5)", "minus five"), ("x-5", "x five"), ("10:30 p.m.", "ten thirty p m"), ("1,2345", "one two thousand three hundred forty five"),
    ("", ""), ("!!!", ""), ("$", ""), ("5.", "five"), ("-", ""), ("1st", "first"), ("2ND", "second"),
])
func normalizationKnownAnswers(input: String, expected: String) {
    #expect(TextNormalizer()(input) == expected)
}

@Test("normalizer options turn steps off")
func normalizerOptions() {
    var options = TextNormalizer.Options()
    options.readYears = false
    #expect(TextNormalizer(options: options)("in 1984") == "in one thousand nine hundred eighty four")
    options = TextNormalizer.Options()
    options.spellNumbers = false
    options.alphabet = nil
    #expect(TextNormalizer(options: options)("Room 101, Café") == "room 101 cafe")
    options = TextNormalizer.Options()
    options.lowercase = false
    options.alphabet = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'")
    #expect(TextNormalizer(options: options)("Hello Café") == "Hello Cafe")
    options = TextNormalizer.Options()
    options.stripAccents = false
    options.alphabet = nil
    #expect(TextNormalizer(options: options)("Café 2") == "café two")
}

@Test("normalized text only holds the English character labels")
func normalizedTextFitsCharacterLabels() throws {
    let inputs = ["Émile Zoë's 3rd café — costs €4.20 (50%)!", "日本 ½ 1/2 #hashtag @user", "\u{0}\u{7}\u{FFFD}"]
    for input in inputs {
        let normalized = TextNormalizer()(input)
        #expect(CharTokenizer.english.unknownCharacters(in: normalized).isEmpty, "\(normalized)")
        #expect(!normalized.contains("  ") && normalized == normalized.trimmingCharacters(in: .whitespaces))
    }
}

/// num2words' words reduced to transcript style, from scripts/text_number_golden.py.
private struct NumberGolden: Decodable {
    let numbers: [[NumberOrWords]]
    let years: [[NumberOrWords]]

    enum NumberOrWords: Decodable {
        case number(Int), words(String)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) { self = .number(number) } else { self = .words(try container.decode(String.self)) }
        }
        var number: Int? { if case let .number(n) = self { n } else { nil } }
        var words: String? { if case let .words(w) = self { w } else { nil } }
    }
}

private func numberGolden() throws -> NumberGolden {
    let data = try #require(FileManager.default.contents(atPath: fixturePath("english_numbers_golden.json")))
    return try JSONDecoder().decode(NumberGolden.self, from: data)
}

@Test("cardinals and ordinals equal num2words' (transcript style) up to 2^63-1")
func numbersMatchNum2Words() throws {
    let golden = try numberGolden()
    #expect(golden.numbers.count > 400)
    var mismatches: [String] = []
    for entry in golden.numbers {
        let n = try #require(entry[0].number)
        let cardinal = try #require(entry[1].words), ordinal = try #require(entry[2].words)
        if EnglishNumbers.cardinal(n) != cardinal { mismatches.append("\(n): \(EnglishNumbers.cardinal(n)) vs \(cardinal)") }
        if EnglishNumbers.ordinal(n) != ordinal { mismatches.append("\(n)th: \(EnglishNumbers.ordinal(n)) vs \(ordinal)") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count): \(mismatches.prefix(5))")
}

@Test("years 1100-2099 equal num2words' year reading")
func yearsMatchNum2Words() throws {
    var mismatches: [String] = []
    for entry in try numberGolden().years {
        let year = try #require(entry[0].number), words = try #require(entry[1].words)
        if EnglishNumbers.year(year) != words { mismatches.append("\(year): \(EnglishNumbers.year(year)) vs \(words)") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count): \(mismatches.prefix(5))")
}
