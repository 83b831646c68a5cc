/// Blocks of the n_gram task (KenLM's lmplz options under TAO's key names).
enum NGramSections {
    static let model = SpecSection([
        .int("order", 3, "Longest n-gram.", in: .atLeast(1)),
        .ints("pruning", [0], "Per order, drop n-grams seen at most this often (like lmplz --prune 0 1 1).", in: .atLeast(0)),
        .bool("discount_fallback", false, "Use fallback discounts when counts-of-counts cannot give them (small or subword corpora)."),
        .string("memory", "1G", "Memory for estimation on top of the vocabulary; beyond it, sorted runs go to temporary files (K, M, G suffixes)."),
        SpecField("tokenizer", .section(SpeechSections.tokenizer), .null, nullable: true,
                  doc: "Subword LM (NeMo's): encode each sentence with this tokenizer {dir, type}, token id t as the word chr(t + 100); discount_fallback is then on."),
        .string("speech_model", nil, "Subword LM from the tokenizer inside this speech_to_text_citrinet .tao (instead of tokenizer; -k opens an encrypted one)."),
    ])

    static let trainingData = SpecSection([
        .required("data_file", .string, "Text corpus, one sentence per line (a .txt file or a folder of them); a .json file is read as a NeMo manifest's text fields."),
        .bool("is_file", true, "data_file is one file (false: a folder of .txt files)."),
    ])

    static let testData = SpecSection([
        .required("data_file", .string, "Text to measure perplexity on, one sentence per line."),
    ])
}
