import CSentencePiece
import Foundation

/// A SentencePiece model (the `.model` protobuf format Google's library and Python's `sentencepiece` read and
/// write), run through Debian's libsentencepiece: encoding text to ids or pieces, decoding ids to text.
///
/// Thread safety: encoding and decoding only read the loaded model, so one tokenizer may be shared.
public final class SentencePieceTokenizer: @unchecked Sendable {
    /// The file the model was loaded from.
    public let modelFile: String
    private let processor: OpaquePointer

    /// Loads a `.model` file; throws `badModelFile` naming it when it is missing or not a SentencePiece model.
    public init(modelFile: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard let processor = csp_load(modelFile, &error) else {
            throw TextError.badModelFile(path: modelFile, reason: Self.take(error) ?? "cannot load")
        }
        self.modelFile = modelFile
        self.processor = processor
    }

    deinit { csp_free(processor) }

    /// Trains a model on `textFile` (one sentence per line) and writes `<modelPrefix>.model` and
    /// `<modelPrefix>.vocab` (piece, tab, score per line); returns the loaded model.
    public static func train(textFile: String, modelPrefix: String, options: SentencePieceTrainingOptions) throws -> SentencePieceTokenizer {
        var flags = options.flags
        flags.insert(("input", textFile), at: 0)
        flags.insert(("model_prefix", modelPrefix), at: 1)
        var error: UnsafeMutablePointer<CChar>?
        let status = withCStrings(flags.map(\.0)) { keys in
            withCStrings(flags.map(\.1)) { values in csp_train(keys, values, Int32(flags.count), &error) }
        }
        if status != 0 { throw TextError.trainingFailed(input: textFile, reason: take(error) ?? "SentencePiece failed") }
        return try SentencePieceTokenizer(modelFile: modelPrefix + ".model")
    }

    /// The number of pieces (ids are `0..<count`).
    public var count: Int { Int(csp_piece_size(processor)) }

    /// Every piece, in id order.
    public var pieces: [String] { (0..<count).map { piece(for: $0) ?? "" } }

    /// The piece of `id`, or nil outside `0..<count`.
    public func piece(for id: Int) -> String? {
        guard id >= 0, id < count else { return nil }
        return String(cString: csp_id_to_piece(processor, Int32(id)))
    }

    /// The id of `piece`; the unknown id when the vocabulary lacks it.
    public func id(of piece: String) -> Int { Int(csp_piece_to_id(processor, piece)) }

    /// The ids of `text`, e.g. "hello world" -> [ids of "▁hel", "lo", "▁world"].
    public func encode(_ text: String) throws -> [Int] {
        var ids: UnsafeMutablePointer<Int32>?
        var error: UnsafeMutablePointer<CChar>?
        let count = csp_encode_ids(processor, text, &ids, &error)
        guard count >= 0, let ids else { throw TextError.sentencePieceFailed(model: modelFile, reason: Self.take(error) ?? "cannot encode") }
        defer { csp_free_ids(ids) }
        return (0..<Int(count)).map { Int(ids[$0]) }
    }

    /// The pieces of `text` as they appear in it (an unknown piece keeps its text, as Python's `out_type=str`).
    public func pieces(_ text: String) throws -> [String] {
        var buffer: UnsafeMutablePointer<CChar>?
        var error: UnsafeMutablePointer<CChar>?
        let count = csp_encode_pieces(processor, text, &buffer, &error)
        guard count >= 0, let buffer else {
            throw TextError.sentencePieceFailed(model: modelFile, reason: Self.take(error) ?? "cannot encode")
        }
        defer { csp_free_string(buffer) }
        var pieces: [String] = []
        var cursor = buffer
        for _ in 0..<Int(count) {
            let piece = String(cString: cursor)
            pieces.append(piece)
            cursor += piece.utf8.count + 1
        }
        return pieces
    }

    /// The text of `ids`; throws `idOutOfRange` for an id outside `0..<count`.
    public func decode(_ ids: [Int]) throws -> String {
        let size = count
        if let bad = ids.first(where: { $0 < 0 || $0 >= size }) { throw TextError.idOutOfRange(id: bad, count: size) }
        let values = ids.map { Int32($0) }
        var error: UnsafeMutablePointer<CChar>?
        let text = values.withUnsafeBufferPointer { csp_decode_ids(processor, $0.baseAddress, Int32($0.count), &error) }
        guard let text else { throw TextError.sentencePieceFailed(model: modelFile, reason: Self.take(error) ?? "cannot decode") }
        defer { csp_free_string(text) }
        return String(cString: text)
    }

    /// The message of a C error string, freed.
    private static func take(_ error: UnsafeMutablePointer<CChar>?) -> String? {
        guard let error else { return nil }
        defer { csp_free_string(error) }
        return String(cString: error)
    }
}

/// How `SentencePieceTokenizer.train` builds a model; the defaults are NeMo's `process_asr_text_tokenizer` ones
/// (no BOS/EOS/PAD, `<unk>` id 0, shuffled input, soft vocabulary limit).
public struct SentencePieceTrainingOptions: Sendable, Equatable {
    /// The segmentation algorithm.
    public enum ModelType: String, Sendable, CaseIterable { case bpe, unigram, char, word }

    /// BPE merges, unigram language model, single characters or whole words.
    public var modelType: ModelType = .bpe
    /// Pieces wanted; with `hardVocabularyLimit` false a small corpus may give fewer.
    public var vocabularySize: Int = 256
    /// Fraction of characters (by frequency) the vocabulary covers; the rest map to `<unk>`.
    public var characterCoverage: Double = 1.0
    /// Sentences sampled for training; nil: all.
    public var inputSentenceSize: Int? = nil
    /// Longest piece in Unicode characters; nil: SentencePiece's default (16).
    public var maxPieceLength: Int? = nil
    /// Split numbers into single digits.
    public var splitDigits: Bool = false
    /// Fail when the corpus cannot give `vocabularySize` pieces (SentencePiece's `hard_vocab_limit`).
    public var hardVocabularyLimit: Bool = false
    /// SentencePiece's normalization rule (`nmt_nfkc`, `nmt_nfkc_cf` (also case-folds), `nfkc`, `identity`, ...);
    /// nil: SentencePiece's default (`nmt_nfkc`).
    public var normalizationRule: String? = nil
    /// Drop leading, trailing and repeated whitespace when encoding.
    public var removeExtraWhitespaces: Bool = true
    /// Shuffle the input sentences before sampling.
    public var shuffleInput: Bool = true
    /// Log SentencePiece's progress to standard error.
    public var verbose: Bool = false

    public init(modelType: ModelType = .bpe, vocabularySize: Int = 256) {
        self.modelType = modelType
        self.vocabularySize = vocabularySize
    }

    /// SentencePiece's trainer flags for these options.
    var flags: [(String, String)] {
        var flags: [(String, String)] = [
            ("model_type", modelType.rawValue), ("vocab_size", String(vocabularySize)),
            ("character_coverage", String(characterCoverage)), ("hard_vocab_limit", String(hardVocabularyLimit)),
            ("shuffle_input_sentence", String(shuffleInput)), ("bos_id", "-1"), ("eos_id", "-1"), ("unk_id", "0"),
            ("split_digits", String(splitDigits)), ("remove_extra_whitespaces", String(removeExtraWhitespaces)),
        ]
        if let normalizationRule { flags.append(("normalization_rule_name", normalizationRule)) }
        if let inputSentenceSize { flags.append(("input_sentence_size", String(inputSentenceSize))) }
        if let maxPieceLength { flags.append(("max_sentencepiece_length", String(maxPieceLength))) }
        if !verbose { flags.append(("minloglevel", "2")) }
        return flags
    }
}

/// Calls `body` with C strings for `strings` (a C function taking `const char *const *` accepts the array), valid
/// during the call.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) })
}
