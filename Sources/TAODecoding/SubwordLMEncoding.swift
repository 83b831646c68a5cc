/// NeMo's n-gram LMs over subword tokens (scripts/asr_language_modeling/ngram_lm): a token id `t` is written as the
/// one-character word `chr(t + 100)` and a sentence as those words joined by spaces, so KenLM (or tao's estimator)
/// counts token n-grams. A CTC beam search fusing such an LM scores every emitted token as one LM word.
public enum SubwordLMEncoding {
    /// NeMo's `DEFAULT_TOKEN_OFFSET`.
    public static let offset = 100

    /// The LM word of token id `id`.
    public static func word(_ id: Int) -> String {
        String(Character(Unicode.Scalar(UInt32(id + offset)) ?? "\u{FFFD}"))
    }

    /// The LM sentence of a tokenized text: its token words joined by single spaces.
    public static func sentence(_ ids: [Int]) -> String { ids.map(word).joined(separator: " ") }

    /// The token id an LM word stands for, nil when it is not one encoded token.
    public static func tokenID(_ word: String) -> Int? {
        let scalars = word.unicodeScalars
        guard scalars.count == 1, let value = scalars.first?.value, value >= UInt32(offset) else { return nil }
        return Int(value) - offset
    }

    /// Whether `model` is a token-level LM for a model with `tokens` output labels (blank excluded): every word but
    /// `<unk>`, `<s>` and `</s>` is an encoded token id below `tokens`, and there is at least one.
    public static func isTokenLevel(_ model: NGramModel, tokens: Int) -> Bool {
        let special: Set<String> = [NGramVocabulary.unknown, NGramVocabulary.sentenceBegin, NGramVocabulary.sentenceEnd]
        var seen = false
        for word in model.vocabulary.words where !special.contains(word) {
            guard let id = tokenID(word), id < tokens else { return false }
            seen = true
        }
        return seen
    }
}
