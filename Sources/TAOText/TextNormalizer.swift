import Foundation

/// Normalizes text for character ASR models and n-gram corpora (DESIGN.md 5.1): compatibility
/// decomposition with accents dropped (`café` -> `cafe`, `ﬁ` -> `fi`, full-width digits -> digits),
/// numbers, currency and percentages written as English words, lowercasing, only the alphabet's
/// characters kept (a-z and the apostrophe by default; other characters become spaces), whitespace collapsed.
///
///     TextNormalizer()("In 1984, Ms. O’Brien paid $5.50 for 3.5% of the 21st lot.")
///     // "in nineteen eighty four ms o'brien paid five dollars fifty cents for three point five percent of the twenty first lot"
public struct TextNormalizer: Sendable {
    /// What the normalizer does; every step can be turned off.
    public struct Options: Sendable, Equatable {
        /// Lowercase the text.
        public var lowercase = true
        /// NFKD, then drop combining marks; also spell out letters NFKD keeps (`ß` -> `ss`, `æ` -> `ae`).
        public var stripAccents = true
        /// Write numbers, currency amounts, percentages and `&` as words.
        public var spellNumbers = true
        /// Read a bare four-digit number in 1100...2099 as a year (`1984` -> "nineteen eighty four");
        /// otherwise as a cardinal ("one thousand nine hundred eighty four").
        public var readYears = true
        /// The characters kept besides the space; any other letter is removed and any other character
        /// becomes a space. Nil keeps every letter, digit and apostrophe. An apostrophe is kept only
        /// inside a word (`don't`) or after a final `s` (`the boys'`), never as a quotation mark.
        public var alphabet: Set<Character>? = Set("abcdefghijklmnopqrstuvwxyz'")

        /// Every step on, alphabet a-z plus the apostrophe.
        public init() {}
    }

    public let options: Options

    /// A normalizer doing what `options` ask (by default every step, for English character models).
    public init(options: Options = Options()) { self.options = options }

    /// The normalized text: words from the alphabet separated by single spaces, no leading or trailing space.
    public func callAsFunction(_ text: String) -> String { normalize(text) }

    /// The normalized text; see the type's description.
    public func normalize(_ text: String) -> String {
        var text = Self.unifyingApostrophes(text)
        if options.stripAccents { text = Self.strippingAccents(text) }
        if options.spellNumbers { text = NumberVerbalizer(readYears: options.readYears).verbalize(text) }
        if options.lowercase { text = text.lowercased() }
        return keepingAlphabet(text)
    }

    /// Typographic apostrophes and the acute and grave accents typed for them become `'`.
    static func unifyingApostrophes(_ text: String) -> String {
        let apostrophes: Set<Character> = ["\u{2019}", "\u{2018}", "\u{02BC}", "\u{0060}", "\u{00B4}", "\u{2032}"]
        guard text.contains(where: apostrophes.contains) else { return text }
        return String(text.map { apostrophes.contains($0) ? "'" : $0 })
    }

    /// Letters without a decomposition, spelled in ASCII.
    private static let transliterations: [Character: String] = [
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
        "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i", "ħ": "h", "Ħ": "H",
    ]

    /// NFKD without combining marks, plus the transliterations above.
    static func strippingAccents(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }  // ASCII has nothing to decompose
        let decomposed = text.decomposedStringWithCompatibilityMapping
        var scalars = String.UnicodeScalarView()
        for scalar in decomposed.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark: continue
            default: scalars.append(scalar)
            }
        }
        var result = ""
        for character in String(scalars) { result += transliterations[character] ?? String(character) }
        return result
    }

    /// Only alphabet characters and single spaces remain.
    private func keepingAlphabet(_ text: String) -> String {
        // First foreign letters go and other characters outside the alphabet become spaces, so that
        // apostrophes are judged by the letters that stay.
        var characters: [Character] = []
        characters.reserveCapacity(text.count)
        for character in text {
            if character == "'" {
                characters.append(character)
            } else if let alphabet = options.alphabet {
                if alphabet.contains(character) {
                    characters.append(character)
                } else if !character.isLetter {
                    characters.append(" ")
                }
            } else {
                characters.append(character.isLetter || character.isNumber ? character : " ")
            }
        }
        let keepsApostrophes = options.alphabet?.contains("'") ?? true
        var result = ""
        var pendingSpace = false
        for (index, character) in characters.enumerated() {
            let keep = character == "'"
                ? keepsApostrophes && isWordApostrophe(characters, at: index)
                : !character.isWhitespace
            if !keep {
                pendingSpace = true
                continue
            }
            if pendingSpace && !result.isEmpty { result.append(" ") }
            pendingSpace = false
            result.append(character)
        }
        return result
    }

    /// An apostrophe between two letters, or after a word-final `s` in a word that does not open with
    /// an apostrophe (there it closes a quotation: `'yes'`).
    private func isWordApostrophe(_ characters: [Character], at index: Int) -> Bool {
        guard index > 0, characters[index - 1].isLetter else { return false }
        let next = index + 1 < characters.count ? characters[index + 1] : " "
        if next.isLetter { return true }
        guard characters[index - 1] == "s" || characters[index - 1] == "S" else { return false }
        var start = index
        while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
        return characters[start] != "'"
    }
}
