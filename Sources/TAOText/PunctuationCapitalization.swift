/// The punctuation-and-capitalization label of one word (DESIGN.md 5.2): the mark after the word
/// (`O` for none, `,`, `.`, `?`) then its capitalization (`U` when its first character is upper case, else `O`),
/// written as two characters such as `,U`.
public struct PunctuationCapitalizationLabel: Sendable, Hashable, CustomStringConvertible {
    /// The punctuation classes, in the order models number them.
    public static let punctuationMarks: [Character] = ["O", ",", ".", "?"]

    /// `O`, `,`, `.` or `?`.
    public let punctuation: Character
    /// Whether the word starts with a capital letter.
    public let capitalized: Bool

    /// A label from its parts; nil when `punctuation` is not one of `punctuationMarks`.
    public init?(punctuation: Character, capitalized: Bool) {
        guard Self.punctuationMarks.contains(punctuation) else { return nil }
        self.punctuation = punctuation
        self.capitalized = capitalized
    }

    /// A label from its two-character form, e.g. `",U"`; nil for anything else.
    public init?<S: StringProtocol>(_ text: S) {
        guard text.count == 2, let mark = text.first, let case_ = text.last, case_ == "U" || case_ == "O" else { return nil }
        self.init(punctuation: mark, capitalized: case_ == "U")
    }

    /// No punctuation, lower case: `OO`.
    public static let none = PunctuationCapitalizationLabel(plain: "O", capitalized: false)
    /// No punctuation, capitalized: `OU`.
    public static let capitalizedOnly = PunctuationCapitalizationLabel(plain: "O", capitalized: true)

    private init(plain punctuation: Character, capitalized: Bool) {
        self.punctuation = punctuation
        self.capitalized = capitalized
    }

    /// This label with another punctuation mark (which must be one of `punctuationMarks`).
    func with(punctuation mark: Character) -> PunctuationCapitalizationLabel {
        PunctuationCapitalizationLabel(plain: mark, capitalized: capitalized)
    }

    public var description: String { "\(punctuation)\(capitalized ? "U" : "O")" }
}

/// One line of punctuation_and_capitalization data: lower-case words without punctuation, one label each.
public struct PunctuationCapitalizationExample: Sendable, Equatable {
    public let words: [String]
    public let labels: [PunctuationCapitalizationLabel]

    /// Words and labels of the same count.
    public init(words: [String], labels: [PunctuationCapitalizationLabel]) {
        precondition(words.count == labels.count, "\(words.count) words but \(labels.count) labels")
        self.words = words
        self.labels = labels
    }

    /// A line of `text_*.txt` with its line of `labels_*.txt`; errors name `path` and `line`.
    public init(textLine: String, labelLine: String, path: String, line: Int) throws {
        let words = textLine.split(whereSeparator: \.isWhitespace).map(String.init)
        let fields = labelLine.split(whereSeparator: \.isWhitespace)
        guard words.count == fields.count else {
            throw TextError.badDataLine(
                path: path, line: line,
                reason: "\(words.count) words but \(fields.count) labels (give one label per word)")
        }
        var labels: [PunctuationCapitalizationLabel] = []
        for field in fields {
            guard let label = PunctuationCapitalizationLabel(field) else {
                throw TextError.badDataLine(
                    path: path, line: line,
                    reason: "label '\(field)' is not a mark (O , . ?) followed by U or O")
            }
            labels.append(label)
        }
        self.init(words: words, labels: labels)
    }

    /// The `text_*.txt` line: words separated by spaces.
    public var textLine: String { words.joined(separator: " ") }

    /// The `labels_*.txt` line: labels separated by spaces.
    public var labelLine: String { labels.map(\.description).joined(separator: " ") }

    /// The text with its punctuation and capitals put back: `hello world` + `,U .O` -> `Hello, world.`
    public var punctuatedText: String {
        zip(words, labels).map { word, label in
            var text = label.capitalized ? word.prefix(1).uppercased() + word.dropFirst() : word
            if label.punctuation != "O" { text.append(label.punctuation) }
            return text
        }.joined(separator: " ")
    }
}

/// Makes punctuation_and_capitalization examples from raw punctuated text (what `dataset_convert` does):
/// each word gets the strongest mark that follows it (`?` over `.` over `,`) and `U` when its first
/// character is an upper-case letter (`4G` is `O`, as in NeMo); the words are lowercased and stripped of punctuation. Dashes, brackets and
/// quotation marks separate words and carry no label.
public struct PunctuationCapitalizationLabeler: Sendable {
    /// Which raw marks count as which label mark; other punctuation is dropped.
    public var markLabels: [Character: Character] = [
        ",": ",", ";": ",", ":": ",", ".": ".", "!": ".", "…": ".", "?": "?", "‽": "?",
    ]

    /// A labeler with the default mark mapping (`;` and `:` count as `,`, `!` and `…` as `.`).
    public init() {}

    /// The example of one sentence or line of raw text, e.g. `"Well, Mr. Knightley?"` ->
    /// `well mr knightley` with `,U .U ?U`.
    public func example(from rawText: String) -> PunctuationCapitalizationExample {
        var words: [String] = []
        var labels: [PunctuationCapitalizationLabel] = []
        for item in Self.items(of: rawText) {
            switch item {
            case let .word(word):
                let capitalized = word.first?.isUppercase ?? false  // as NeMo: `word[0].isupper()`
                words.append(word.lowercased())
                labels.append(capitalized ? .capitalizedOnly : .none)
            case let .mark(mark):
                guard let last = labels.indices.last, let label = markLabels[mark] else { continue }
                if Self.strength(label) > Self.strength(labels[last].punctuation) {
                    labels[last] = labels[last].with(punctuation: label)
                }
            }
        }
        return PunctuationCapitalizationExample(words: words, labels: labels)
    }

    /// Examples from running text (a book): paragraphs (split at blank lines) cut after sentence ends
    /// into examples of at most `maxWords` words; a longer sentence is cut at `maxWords`.
    public func examples(fromText rawText: String, maxWords: Int) -> [PunctuationCapitalizationExample] {
        precondition(maxWords > 0, "maxWords must be positive, got \(maxWords)")
        var examples: [PunctuationCapitalizationExample] = []
        for paragraph in Self.paragraphs(of: rawText) {
            let all = example(from: paragraph)
            var start = 0, lastSentenceEnd: Int? = nil
            for index in all.words.indices {
                if [".", "?"].contains(all.labels[index].punctuation) { lastSentenceEnd = index + 1 }
                if index + 1 - start == maxWords || index + 1 == all.words.count {
                    let end = index + 1 == all.words.count ? index + 1 : (lastSentenceEnd ?? index + 1)
                    examples.append(PunctuationCapitalizationExample(
                        words: Array(all.words[start..<end]), labels: Array(all.labels[start..<end])))
                    start = end
                    lastSentenceEnd = nil
                }
            }
        }
        return examples
    }

    private static func strength(_ mark: Character) -> Int {
        switch mark {
        case "?": 3
        case ".": 2
        case ",": 1
        default: 0
        }
    }

    private enum Item: Equatable {
        case word(String)
        case mark(Character)
    }

    /// Words (letters and digits, with apostrophes and periods inside them, as in `don't`, `U.S`, `3.5`;
    /// periods between letters are dropped) and the punctuation characters between them.
    private static func items(of text: String) -> [Item] {
        let characters = Array(text)
        var items: [Item] = []
        var word = ""
        // A character that starts with a combining mark has no base letter to attach to: not a word.
        func isWordCharacter(_ c: Character) -> Bool {
            (c.isLetter || c.isNumber) && !Self.startsWithMark(c)
        }
        for (index, character) in characters.enumerated() {
            if isWordCharacter(character) {
                word.append(character)
                continue
            }
            let next = index + 1 < characters.count ? characters[index + 1] : " "
            let joinsWord = !word.isEmpty && isWordCharacter(next)
                && ["'", "’", "."].contains(character)
            if joinsWord {
                // Keep apostrophes, and decimal points between digits; drop periods of abbreviations.
                if character != "." { word.append("'") } else if word.last?.isNumber == true && next.isNumber { word.append(".") }
                continue
            }
            if !word.isEmpty { items.append(.word(word)); word = "" }
            if !character.isWhitespace { items.append(.mark(character)) }
        }
        if !word.isEmpty { items.append(.word(word)) }
        return items
    }

    private static func startsWithMark(_ character: Character) -> Bool {
        switch character.unicodeScalars.first?.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    /// Paragraphs: runs of non-blank lines, joined by spaces.
    private static func paragraphs(of text: String) -> [String] {
        var paragraphs: [String] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { paragraphs.append(current.joined(separator: " ")); current = [] }
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
        return paragraphs
    }
}
