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

    /// A number as written: `-`, currency sign, digits with thousands separators, decimals, suffix.
    private struct WrittenNumber {
        var currency: Currency?
        var negative = false
        var whole = ""
        var grouped = false
        var fraction: String?
        var suffix = Suffix.none
    }

    private enum Suffix { case none, percent, ordinal, plural }

    /// The words for the number starting at `start`, and the index after it; nil if none starts there.
    private func number(in c: [Character], at start: Int) -> (String, Int)? {
        guard let (number, afterNumber) = parse(c, at: start) else { return nil }
        var end = afterNumber
        var words: String
        if let currency = number.currency {
            (words, end) = money(number, currency: currency, c, after: end)
        } else {
            let mayBeYear = readYears && !number.grouped && !number.negative
                && (number.suffix == .none || number.suffix == .plural)
            words = amount(whole: number.whole, fraction: number.fraction, mayBeYear: mayBeYear)
        }
        switch number.suffix {
        case .none: break
        case .percent: words += " percent"
        case .ordinal: words = EnglishNumbers.ordinalOfLastWord(words)
        case .plural: words = Self.pluralizingLastWord(words)
        }
        return ((number.negative ? "minus " : "") + words, end)
    }

    /// The written number starting at `start` and the index after it. A minus counts only at the start of a
    /// word; digits right after letters still count (`mp3` -> "mp three").
    private func parse(_ c: [Character], at start: Int) -> (WrittenNumber, Int)? {
        func digit(_ i: Int) -> Bool { i < c.count && c[i].isASCIIDigit }
        func letter(_ i: Int) -> Bool { i < c.count && c[i].isLetter }
        var number = WrittenNumber()
        var i = start
        number.currency = Self.currencies[c[i]]
        if number.currency != nil { i += 1 }
        if number.currency == nil && c[i] == "-" && (start == 0 || c[start - 1].isWhitespace || c[start - 1] == "(") {
            number.negative = true
            i += 1
        }
        guard digit(i) || (i < c.count && c[i] == "." && digit(i + 1) && (start == 0 || !c[start - 1].isASCIIDigit))
        else { return nil }
        while digit(i) { number.whole.append(c[i]); i += 1 }
        // Thousands separators: after 1-3 digits, each comma followed by exactly three digits.
        while number.whole.count <= 3 || number.grouped, i < c.count, c[i] == ",",
              digit(i + 1), digit(i + 2), digit(i + 3), !digit(i + 4) {
            number.whole += String(c[(i + 1)...(i + 3)])
            number.grouped = true
            i += 4
        }
        if i < c.count, c[i] == ".", digit(i + 1) {
            i += 1
            var digits = ""
            while digit(i) { digits.append(c[i]); i += 1 }
            number.fraction = digits
        }
        if i < c.count, c[i] == "%" {
            number.suffix = .percent
            i += 1
        } else if number.fraction == nil, !number.whole.isEmpty, i + 1 < c.count, !letter(i + 2),
                  ["st", "nd", "rd", "th"].contains(String(c[i...(i + 1)]).lowercased()) {
            number.suffix = .ordinal
            i += 2
        } else if number.fraction == nil, number.whole.last == "0", i < c.count, c[i] == "s" || c[i] == "S",
                  !letter(i + 1) {
            number.suffix = .plural
            i += 1
        }
        return (number, i)
    }

    /// Digits as words: a decimal, a year, or an integer.
    private func amount(whole: String, fraction: String?, mayBeYear: Bool) -> String {
        if let fraction { return EnglishNumbers.decimal(whole + "." + fraction) ?? whole }
        if mayBeYear, whole.count == 4, whole.first != "0", let year = Int(whole) { return EnglishNumbers.year(year) }
        return EnglishNumbers.integer(whole)
    }

    /// A currency amount, with a scale word that follows ("$2.5 million") taken into the amount.
    private func money(_ number: WrittenNumber, currency: Currency, _ c: [Character], after end: Int) -> (String, Int) {
        let whole = number.whole.isEmpty ? "0" : number.whole
        var i = end
        while i < c.count, c[i] == " " { i += 1 }
        var scale = ""
        while i < c.count, c[i].isLetter { scale.append(c[i]); i += 1 }
        if Self.scaleWords.contains(scale.lowercased()) {
            let amount = amount(whole: whole, fraction: number.fraction, mayBeYear: false)
            return (amount + " \(scale.lowercased()) \(currency.many)", i)
        }
        let units = UInt(whole)
        if let fraction = number.fraction, fraction.count == 2, let subunitOne = currency.subunitOne,
           let subunitMany = currency.subunitMany, let units, let cents = Int(fraction) {
            var parts: [String] = []
            if units > 0 || cents == 0 {
                parts.append(EnglishNumbers.integer(whole) + " " + (units == 1 ? currency.one : currency.many))
            }
            if cents > 0 { parts.append(EnglishNumbers.cardinal(cents) + " " + (cents == 1 ? subunitOne : subunitMany)) }
            return (parts.joined(separator: " "), end)
        }
        let unit = number.fraction == nil && units == 1 ? currency.one : currency.many
        return (amount(whole: whole, fraction: number.fraction, mayBeYear: false) + " " + unit, end)
    }

    /// "nineteen ninety" -> "nineteen nineties", "one hundred" -> "one hundreds".
    private static func pluralizingLastWord(_ words: String) -> String {
        if words.hasSuffix("y") { return words.dropLast() + "ies" }
        if words.hasSuffix("x") { return words + "es" }
        return words + "s"
    }
}
