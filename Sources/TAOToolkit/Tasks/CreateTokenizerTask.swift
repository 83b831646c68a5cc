import Foundation
import TAONLP
import TAOSpeech
import TAOText

/// `tao speech_to_text_citrinet create_tokenizer`: a subword tokenizer from transcripts, laid out as NeMo's
/// `process_asr_text_tokenizer.py` writes it, so NeMo and tao read each other's tokenizers:
/// - `spe`: `<output_root>/tokenizer_spe_<type>_v<N>/tokenizer.model` (SentencePiece's format), `tokenizer.vocab`
///   (piece, tab, score) and `vocab.txt` (one token a line: a piece starting with `▁` without it, any other piece
///   as a `##` continuation, `<unk>` left out); NeMo's trainer flags (shuffled input, soft vocabulary limit, no
///   BOS/EOS, whitespace kept, `nmt_nfkc_cf` normalization when `lower_case`);
/// - `wpe`: `<output_root>/tokenizer_wpe_v<N>/vocab.txt`, a BERT WordPiece vocabulary.
/// The transcripts trained on are kept in `<output_root>/text_corpus/document.txt`, one a line.
enum CreateTokenizerTask {
    static func run(_ spec: CreateTokenizerSpec, recorder: RunRecorder) throws -> String {
        try check(spec)
        let root = URL(fileURLWithPath: spec.outputRoot)
        let lines = try transcripts(spec).map { spec.lowerCase ? $0.lowercased() : $0 }
        guard !lines.isEmpty else {
            throw SpecError.invalid(path: spec.manifests != nil ? "manifests" : "data_file",
                                    reason: "\(spec.manifests ?? spec.dataFile ?? ""): no text to train on")
        }
        let corpus = root.appendingPathComponent("text_corpus/document.txt")
        try write(lines.joined(separator: "\n") + "\n", to: corpus)
        recorder.log("\(lines.count) transcripts written to \(corpus.path)")

        if spec.tokenizer == "wpe" {
            let folder = root.appendingPathComponent("tokenizer_wpe_v\(spec.vocabSize)")
            let vocabulary = try WordPieceTrainer(vocabularySize: spec.vocabSize, lowercase: spec.lowerCase).train(lines: lines)
            let vocabFile = folder.appendingPathComponent("vocab.txt")
            try write(vocabulary.fileText, to: vocabFile)
            try recorder.recordArtifact(vocabFile, kind: "tokenizer")
            return "WordPiece vocabulary of \(vocabulary.count) tokens from \(lines.count) transcripts written to \(vocabFile.path)"
        }

        let folder = root.appendingPathComponent("tokenizer_spe_\(spec.speType)_v\(spec.vocabSize)")
        // Made whole in a folder beside it, then put in its place: an interrupted run never leaves a tokenizer half
        // written, nor a new model beside an old vocabulary.
        let staging = root.appendingPathComponent(AtomicFile.temporaryName(for: folder.lastPathComponent))
        try createDirectory(staging)
        defer { try? FileManager.default.removeItem(at: staging) }
        guard let modelType = SentencePieceTrainingOptions.ModelType(rawValue: spec.speType) else {
            throw SpecError.invalid(path: "spe_type", reason: "'\(spec.speType)' is not one of bpe, unigram, char, word")
        }
        var options = SentencePieceTrainingOptions(modelType: modelType, vocabularySize: spec.vocabSize)
        options.characterCoverage = spec.speCharacterCoverage
        options.inputSentenceSize = spec.speSampleSize > 0 ? spec.speSampleSize : nil
        options.maxPieceLength = spec.speMaxSentencepieceLength > 0 ? spec.speMaxSentencepieceLength : nil
        options.splitDigits = spec.speSplitDigits
        // As NeMo: keep whitespace as written, and let a lower-case model case-fold the text it encodes.
        options.removeExtraWhitespaces = false
        if spec.lowerCase { options.normalizationRule = "nmt_nfkc_cf" }
        let tokenizer = try SentencePieceTokenizer.train(
            textFile: corpus.path, modelPrefix: staging.appendingPathComponent("tokenizer").path, options: options)
        try write(bertStyleVocabulary(tokenizer.pieces).map { $0 + "\n" }.joined(), to: staging.appendingPathComponent("vocab.txt"))
        try AtomicFile.replaceFolder(folder, with: staging)
        for name in ["tokenizer.model", "tokenizer.vocab", "vocab.txt"] {
            try recorder.recordArtifact(folder.appendingPathComponent(name), kind: "tokenizer")
        }
        if tokenizer.count < spec.vocabSize {
            recorder.warn("the corpus gave \(tokenizer.count) pieces, fewer than vocab_size \(spec.vocabSize)")
        }
        return "SentencePiece \(spec.speType) tokenizer of \(tokenizer.count) pieces from \(lines.count) transcripts written to \(folder.path)"
    }

    /// NeMo's `vocab.txt` beside a SentencePiece model: the special pieces dropped, `▁x` -> `x`, `x` -> `##x`, a
    /// lone `▁` kept as it is.
    static func bertStyleVocabulary(_ pieces: [String]) -> [String] {
        pieces.filter { !["<s>", "</s>", "<pad>", "<unk>"].contains($0) }.map { piece in
            guard piece.hasPrefix("▁") else { return "##" + piece }
            return piece == "▁" ? piece : String(piece.dropFirst())
        }
    }

    /// Rejects values the spec schema lets through but training cannot use, naming the key.
    private static func check(_ spec: CreateTokenizerSpec) throws {
        if (spec.manifests ?? "").isEmpty, (spec.dataFile ?? "").isEmpty {
            throw SpecError.invalid(path: "manifests", reason: "give manifests (NeMo manifests, comma separated) or data_file (text)")
        }
        if spec.vocabSize < 2 { throw SpecError.invalid(path: "vocab_size", reason: "\(spec.vocabSize) must be at least 2") }
        guard spec.tokenizer == "spe" else { return }
        // SentencePiece's own limits, checked here so that the error names the key.
        if !(spec.speCharacterCoverage >= 0.98 && spec.speCharacterCoverage <= 1) {
            throw SpecError.invalid(path: "spe_character_coverage", reason: "\(spec.speCharacterCoverage) must be in [0.98, 1]")
        }
        if spec.speSampleSize > 0, spec.speSampleSize <= 100 {
            throw SpecError.invalid(path: "spe_sample_size", reason: "\(spec.speSampleSize) must be -1 (all) or more than 100")
        }
    }

    /// The transcripts (`text` of each manifest line) or the data file's non-empty lines.
    private static func transcripts(_ spec: CreateTokenizerSpec) throws -> [String] {
        if let manifests = spec.manifests, !manifests.isEmpty {
            let contents = try Manifest.read(manifests, rules: ManifestRules(checkAudioExists: false))
            return contents.entries.map(\.text).filter { !$0.isEmpty }
        }
        let path = spec.dataFile ?? ""
        return try DataFile.lines(path, expected: "text to learn the tokenizer from, one sentence per line (data_file)")
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    private static func createDirectory(_ folder: URL) throws {
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw TaskError.cannotWrite(path: folder.path, reason: "\(error.localizedDescription) (output_root)")
        }
    }

    private static func write(_ text: String, to url: URL) throws {
        try createDirectory(url.deletingLastPathComponent())
        try AtomicFile.write(Data(text.utf8), to: url)
    }
}
