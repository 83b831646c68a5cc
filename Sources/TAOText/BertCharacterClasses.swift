/// The character classes of BERT's tokenizer, as Hugging Face `tokenizers` (BertNormalizer and
/// BertPreTokenizer) computes them.
///
/// Hugging Face's punctuation and control tables date from Unicode 8.0: a character assigned later is
/// neither (it stays in the text and later becomes `[UNK]`). Swift's tables are newer, so each test
/// checks the character's Unicode age to give the same answers.
enum BertCharacterClasses {
    /// Characters dropped by text cleaning: NUL, U+FFFD and control, format and private-use characters
    /// (tab, newline and carriage return are whitespace instead).
    static func isDropped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0..<0x20, 0x7F, 0xFFFD: return true
        case 0x20..<0x7F: return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .control: return true
        case .format, .privateUse: return isInUnicode8(scalar)
        default: return false
        }
    }

    /// Whitespace that separates words (the Unicode White_Space property, plus tab, newline, return).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20: return true
        case 0..<0x80: return false
        default: return scalar.properties.isWhitespace
        }
    }

    /// Punctuation split into its own token: ASCII symbols and punctuation (`!`-`/`, `:`-`@`, `[`-`` ` ``,
    /// `{`-`~`) and every character of a Unicode punctuation category (P*).
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: return true
        case 0..<128: return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return isInUnicode8(scalar)
        default:
            return false
        }
    }

    /// CJK ideographs (the CJK Unified Ideographs blocks and compatibility ideographs, not kana or
    /// hangul), which BERT surrounds with spaces so each becomes one token.
    static func isCJKIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// Combining marks removed by accent stripping (general category Mn).
    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .nonspacingMark
    }

    private static func isInUnicode8(_ scalar: Unicode.Scalar) -> Bool {
        guard let age = scalar.properties.age else { return false }
        return age.major < 8 || (age.major == 8 && age.minor == 0)
    }
}
