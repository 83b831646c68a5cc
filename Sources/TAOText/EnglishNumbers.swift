/// English words for numbers, as spoken: cardinals, ordinals, years, decimals and digit strings.
/// No hyphens and no "and" ("one hundred twenty one"), the style of ASR transcripts such as LibriSpeech.
public enum EnglishNumbers {
    private static let ones = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ]
    private static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    private static let scales = ["", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion"]

    /// `n` in words: 0 -> "zero", 1_000_001 -> "one million one", -5 -> "minus five".
    public static func cardinal(_ n: Int) -> String {
        if n < 0 { return "minus " + cardinal(n.magnitude) }
        return cardinal(UInt(n))
    }

    /// `n` in words (up to 18,446,744,073,709,551,615: "eighteen quintillion ...").
    public static func cardinal(_ n: UInt) -> String {
        if n == 0 { return ones[0] }
        var groups: [UInt] = []  // groups of three digits, least significant first
        var rest = n
        while rest > 0 { groups.append(rest % 1000); rest /= 1000 }
        var words: [String] = []
        for (scale, group) in groups.enumerated().reversed() where group > 0 {
            words.append(belowThousand(Int(group)))
            if scale > 0 { words.append(scales[scale]) }
        }
        return words.joined(separator: " ")
    }

    /// 1...999 in words.
    private static func belowThousand(_ n: Int) -> String {
        var words: [String] = []
        if n >= 100 { words += [ones[n / 100], "hundred"] }
        let rest = n % 100
        if rest >= 20 {
            words.append(tens[rest / 10])
            if rest % 10 > 0 { words.append(ones[rest % 10]) }
        } else if rest > 0 || words.isEmpty {
            words.append(ones[rest])
        }
        return words.joined(separator: " ")
    }

    /// The ordinal of `n`: 1 -> "first", 21 -> "twenty first", 100 -> "one hundredth".
    public static func ordinal(_ n: Int) -> String {
        ordinalOfLastWord(cardinal(n))
    }

    /// `words` (a cardinal) with its last word made ordinal.
    static func ordinalOfLastWord(_ words: String) -> String {
        var parts = words.split(separator: " ").map(String.init)
        guard let last = parts.popLast() else { return words }
        let irregular = ["one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
                         "nine": "ninth", "twelve": "twelfth"]
        let ordinal: String
        if let word = irregular[last] {
            ordinal = word
        } else if last.hasSuffix("y") {
            ordinal = last.dropLast() + "ieth"
        } else {
            ordinal = last + "th"
        }
        return (parts + [ordinal]).joined(separator: " ")
    }

    /// A year as spoken: 1984 -> "nineteen eighty four", 1900 -> "nineteen hundred", 1905 -> "nineteen oh five",
    /// 2000 -> "two thousand", 2008 -> "two thousand eight", 2024 -> "twenty twenty four".
    /// Years outside 1100...2099 (and 2000...2009) are read as cardinals.
    public static func year(_ n: Int) -> String {
        guard (1100...2099).contains(n), !(2000...2009).contains(n) else { return cardinal(n) }
        let high = n / 100, low = n % 100
        if low == 0 { return cardinal(high) + " hundred" }
        if low < 10 { return cardinal(high) + " oh " + cardinal(low) }
        return cardinal(high) + " " + cardinal(low)
    }

    /// Each digit of `digits` as a word: "007" -> "zero zero seven". Non-digits are skipped.
    public static func digitByDigit<S: StringProtocol>(_ digits: S) -> String {
        digits.compactMap { $0.wholeNumberValue.map { ones[$0] } }.joined(separator: " ")
    }

    /// A decimal written with digits: "3.5" -> "three point five", "0.25" -> "zero point two five",
    /// ".5" -> "point five", "1,200" -> "one thousand two hundred". Nil when `text` is not such a number.
    public static func decimal<S: StringProtocol>(_ text: S) -> String? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        // Commas only as thousands separators: 1-3 digits, then groups of exactly 3.
        guard groups.count == 1 || (1...3).contains(groups[0].count) && groups.dropFirst().allSatisfy({ $0.count == 3 })
        else { return nil }
        let whole = groups.joined()
        let fraction = parts.count > 1 ? Substring(parts[1]) : nil
        guard whole.allSatisfy(\.isASCIIDigit), fraction?.allSatisfy(\.isASCIIDigit) ?? true,
              !(whole.isEmpty && (fraction?.isEmpty ?? true)) else { return nil }
        var words: [String] = []
        if !whole.isEmpty { words.append(integer(whole)) }
        if let fraction, !fraction.isEmpty { words += ["point", digitByDigit(fraction)] }
        return words.joined(separator: " ")
    }

    /// An integer written with digits: cardinal words, or digit by digit when it has a leading zero or is
    /// too long for a cardinal (over 18 digits), as codes and phone numbers are read.
    static func integer<S: StringProtocol>(_ digits: S) -> String {
        if digits.count > 1 && digits.first == "0" || digits.count > 18 { return digitByDigit(digits) }
        return UInt(digits).map { cardinal($0) } ?? digitByDigit(digits)
    }
}

extension Character {
    /// Whether this is one of the ASCII digits 0-9.
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
