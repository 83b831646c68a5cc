/// Rewrites the numbers in a text as English words: cardinals (`1,200`), decimals (`3.5` -> "three point
/// five"), ordinals (`21st` -> "twenty first"), years (`1984`), decades (`1990s` -> "nineteen nineties"),
/// negatives (`-4` -> "minus four"), percentages (`50%` -> "fifty percent") and currency (`$5` -> "five
/// dollars", `$5.50` -> "five dollars fifty cents", `£2 million` -> "two million pounds"); `&` -> "and".
/// Other text is left as it is; each verbalized number is set off by spaces.
struct NumberVerbalizer {
    var readYears = true

    private struct Currency {
        let one: String, many: String, subunitOne: String?, subunitMany: String?
    }
    private static let currencies: [Character: Currency] = [
        "$": Currency(one: "dollar", many: "dollars", subunitOne: "cent", subunitMany: "cents"),
        "€": Currency(one: "euro", many: "euros", subunitOne: "cent", subunitMany: "cents"),
        "£": Currency(one: "pound", many: "pounds", subunitOne: "penny", subunitMany: "pence"),
        "¥": Currency(one: "yen", many: "yen", subunitOne: nil, subunitMany: nil),
    ]
    private static let scaleWords = ["thousand", "million", "billion", "trillion"]

    func verbalize(_ text: String) -> String {
        guard text.contains(where: { $0.isASCIIDigit || $0 == "&" || $0 == "%" }) else { return text }
        let characters = Array(text)
        var result = ""
        var index = 0
        while index < characters.count {
            if let (words, end) = number(in: characters, at: index) {
                result += " " + words + " "
                index = end
                continue
            }
            switch characters[index] {
            case "&": result += " and "
            case "%": result += " percent "
            default: result.append(characters[index])
            }
            index += 1
        }
        return result
    }

    /// The words for the number starting at `start`, and the index after it; nil if none starts there.
    private func number(in c: [Character], at start: Int) -> (String, Int)? {
        func digit(_ i: Int) -> Bool { i < c.count && c[i].isASCIIDigit }
        func letter(_ i: Int) -> Bool { i < c.count && c[i].isLetter }
        var i = start
        let currency = Self.currencies[c[i]]
        if currency != nil { i += 1 }
        var negative = false
        if currency == nil && c[i] == "-" && (start == 0 || c[start - 1].isWhitespace || c[start - 1] == "(") {
            negative = true
            i += 1
        }
        guard digit(i) || (i < c.count && c[i] == "." && digit(i + 1) && (start == 0 || !c[start - 1].isASCIIDigit))
        else { return nil }
        // A digit right after a letter or digit continues that token ("mp3"), so read it as a number too,
        // but a currency sign or minus must start the number.
        var whole = ""
        while digit(i) { whole.append(c[i]); i += 1 }
        var grouped = false
        while whole.count <= 3 || grouped, i < c.count, c[i] == ",", digit(i + 1), digit(i + 2), digit(i + 3),
              !digit(i + 4) {
            whole += String(c[(i + 1)...(i + 3)])
            grouped = true
            i += 4
        }
        var fraction: String?
        if i < c.count, c[i] == ".", digit(i + 1) {
            i += 1
            var digits = ""
            while digit(i) { digits.append(c[i]); i += 1 }
            fraction = digits
        }
        // Suffixes: percent, ordinal, decade.
        var suffix: Suffix = .none
        if i < c.count, c[i] == "%" {
            suffix = .percent
            i += 1
        } else if fraction == nil, !whole.isEmpty, i + 1 < c.count, !letter(i + 2),
                  ["st", "nd", "rd", "th"].contains(String(c[i...(i + 1)]).lowercased()) {
            suffix = .ordinal
            i += 2
        } else if fraction == nil, whole.last == "0", i < c.count, c[i] == "s" || c[i] == "S", !letter(i + 1) {
            suffix = .plural
            i += 1
        }
        var words: String
        if let currency {
            (words, i) = money(whole: whole, fraction: fraction, currency: currency, c, after: i)
        } else {
            words = amount(whole: whole, fraction: fraction, mayBeYear: readYears && !grouped && suffix != .percent
                                                                && suffix != .ordinal && !negative)
        }
        switch suffix {
        case .none: break
        case .percent: words += " percent"
        case .ordinal: words = EnglishNumbers.ordinalOfLastWord(words)
        case .plural: words = Self.pluralizingLastWord(words)
        }
        return ((negative ? "minus " : "") + words, i)
    }

    private enum Suffix { case none, percent, ordinal, plural }

    /// Digits as words: a decimal, a year, or an integer.
    private func amount(whole: String, fraction: String?, mayBeYear: Bool) -> String {
        if let fraction { return EnglishNumbers.decimal(whole + "." + fraction) ?? whole }
        if mayBeYear, whole.count == 4, whole.first != "0", let year = Int(whole) { return EnglishNumbers.year(year) }
        return EnglishNumbers.integer(whole)
    }

    /// A currency amount, with a scale word that follows ("$2.5 million") taken into the amount.
    private func money(whole: String, fraction: String?, currency: Currency, _ c: [Character], after end: Int)
        -> (String, Int)
    {
        var i = end
        while i < c.count, c[i] == " " { i += 1 }
        var scale = ""
        while i < c.count, c[i].isLetter { scale.append(c[i]); i += 1 }
        if Self.scaleWords.contains(scale.lowercased()) {
            return (amount(whole: whole, fraction: fraction, mayBeYear: false) + " \(scale.lowercased()) \(currency.many)", i)
        }
        let units = UInt(whole.isEmpty ? "0" : whole)
        if let fraction, fraction.count == 2, let subunitOne = currency.subunitOne,
           let subunitMany = currency.subunitMany, let units, let cents = Int(fraction) {
            var parts: [String] = []
            if units > 0 || cents == 0 {
                parts.append(EnglishNumbers.integer(whole.isEmpty ? "0" : whole) + " " + (units == 1 ? currency.one : currency.many))
            }
            if cents > 0 { parts.append(EnglishNumbers.cardinal(cents) + " " + (cents == 1 ? subunitOne : subunitMany)) }
            return (parts.joined(separator: " "), end)
        }
        let unit = fraction == nil && units == 1 ? currency.one : currency.many
        return (amount(whole: whole, fraction: fraction, mayBeYear: false) + " " + unit, end)
    }

    /// "nineteen ninety" -> "nineteen nineties", "one hundred" -> "one hundreds".
    private static func pluralizingLastWord(_ words: String) -> String {
        if words.hasSuffix("y") { return words.dropLast() + "ies" }
        if words.hasSuffix("x") { return words + "es" }
        return words + "s"
    }
}
