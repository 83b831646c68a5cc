import Foundation
import TAODecoding
import TAOSpeech

/// Turns a CTC model's log-probabilities into words as the spec's `decoding` block says: greedy, or prefix
/// beam search with an optional n-gram LM and hotwords.
struct TranscriptDecoder {
    private let model: CTCModel
    private let beamSearch: CTCBeamSearchDecoder?
    private let hotwords: Hotwords?

    /// Greedy decoding.
    init(greedy model: CTCModel) {
        self.model = model
        beamSearch = nil
        hotwords = nil
    }

    /// - Parameters:
    ///   - languageModel: an LM already loaded (grid searches reuse one); else `spec.lm_path` is loaded.
    ///   - carried: the model file, whose own LM (if it carries one) is used when `spec.lm_path` is null, and whose
    ///     tuned settings are used where `spec.alpha`, `spec.beta` or `spec.token_min_logp` is null.
    init(model: CTCModel, spec: DecodingSpec, key: String?, recorder: RunRecorder, languageModel loaded: NGramModel? = nil,
         carried: SpeechModelFile? = nil) throws {
        self.model = model
        guard spec.strategy == "beam" else {
            if spec.lmPath != nil { recorder.warn("decoding.lm_path is used only with decoding.strategy: beam") }
            beamSearch = nil
            hotwords = nil
            return
        }
        guard spec.beamWidth >= 1 else { throw SpecError.invalid(path: "decoding.beam_width", reason: "must be at least 1") }
        var languageModel = try loaded ?? spec.lmPath.map { try NGramTask.load(URL(fileURLWithPath: $0), key: key) }
        if loaded == nil, let languageModel { recorder.log("LM \(spec.lmPath ?? ""): order \(languageModel.order), \(languageModel.counts) n-grams") }
        if languageModel == nil, let carried, let own = try carried.carriedLanguageModel() {
            languageModel = own
            recorder.log("LM carried by \(carried.url.path): order \(own.order), \(own.counts) n-grams")
        }
        let settings = spec.settings(tuned: carried?.tunedDecoding)
        let options = BeamSearchOptions(beamWidth: spec.beamWidth, beamPruneLogp: spec.beamPruneLogp, tokenMinLogp: Float(settings.tokenMinLogp),
                                        alpha: settings.alpha, beta: settings.beta, unkScoreOffset: spec.unkScoreOffset)
        let search = CTCBeamSearchDecoder(labels: model.ctcLabels, languageModel: languageModel, options: options)
        if search.fusesTokens {
            recorder.log("the LM is a subword (token-level) LM: each emitted token is scored as one LM word")
            if !spec.hotwords.isEmpty { recorder.warn("decoding.hotwords apply with word-level LMs only; ignored with a subword LM") }
        }
        beamSearch = search
        hotwords = spec.hotwords.isEmpty ? nil : Hotwords(spec.hotwords, weight: spec.hotwordWeight)
        for problem in Self.unusableHotwords(spec.hotwords, labels: model.labels) { recorder.warn("decoding.hotwords: " + problem) }
    }

    /// Hotwords that can never be recognized: empty ones, and for a character model those with a character it never
    /// emits (its labels are lowercase, so `Boston` must be written `boston`).
    static func unusableHotwords(_ hotwords: [String], labels: [String]) -> [String] {
        let characters = labels.allSatisfy { $0.count == 1 } ? Set(labels.joined()) : nil
        return hotwords.compactMap { hotword in
            if hotword.allSatisfy(\.isWhitespace) { return "an empty hotword is ignored" }
            guard let characters else { return nil }
            let missing = Set(hotword.filter { $0 != " " && !characters.contains($0) })
            guard !missing.isEmpty else { return nil }
            return "'\(hotword)' has characters the model never emits (\(String(missing.sorted()))), so it can never be recognized"
        }
    }

    /// The words of one utterance's `[frames, classes]` log-probabilities.
    func words(_ values: UnsafeBufferPointer<Float>, classes: Int) -> [DecodedWord] {
        let logProbs = LogProbabilities(values, frames: values.count / max(classes, 1), labels: classes)
        guard let beamSearch else { return CTCGreedyDecoder(labels: model.ctcLabels).decode(logProbs) }
        return beamSearch.decode(logProbs, hotwords: hotwords).first?.words ?? []
    }
}
