import Foundation
import TAOAudio
import TAOToolkit

/// What one recognition request or stream asked for, resolved against the repository: the model, how to decode
/// finals and interim results, and what to put in the results.
struct RecognitionPlan: Sendable {
    let model: SpeechModelEntry
    let config: RecognitionConfig
    /// Decoding of final results (the config's `custom_configuration` and `speech_contexts` applied).
    let finalDecoding: SpeechDecodingOptions
    /// Interim results are decoded greedily: they are replaced soon and must be cheap.
    let interimDecoding: SpeechDecodingOptions

    static let customKeys: Set<String> = ["decoder", "beam_width", "alpha", "beta", "hotword_weight", "language_model"]

    init(config: RecognitionConfig, repository: ModelRepository) throws {
        self.config = config
        model = try repository.speechModel(named: config.model)
        var options = model.defaultDecoding
        let custom = config.customConfiguration
        for key in custom.keys.sorted() where !Self.customKeys.contains(key) {
            throw ServerError.invalidArgument("config.custom_configuration.\(clipped(key)): unknown key (known: \(Self.customKeys.sorted().joined(separator: ", ")))")
        }
        func number(_ key: String, _ range: ClosedRange<Double>) throws -> Double? {
            guard let text = custom[key] else { return nil }
            guard let value = Double(text), value.isFinite, range.contains(value) else {
                throw ServerError.invalidArgument("config.custom_configuration.\(key): '\(clipped(text))' is not a number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        if let decoder = custom["decoder"] {
            guard let strategy = SpeechDecodingOptions.Strategy(rawValue: decoder.lowercased()) else {
                throw ServerError.invalidArgument("config.custom_configuration.decoder: '\(clipped(decoder))' is not greedy or beam")
            }
            options.strategy = strategy
        }
        if let width = try number("beam_width", 1...512) {
            guard width == width.rounded() else {
                throw ServerError.invalidArgument("config.custom_configuration.beam_width: '\(clipped(custom["beam_width"] ?? ""))' is not a whole number")
            }
            options.beamWidth = Int(width)
        }
        if let alpha = try number("alpha", 0...10) { options.alpha = alpha }
        if let beta = try number("beta", -10...10) { options.beta = beta }
        if let lm = custom["language_model"] {
            switch lm.lowercased() {
            case "none", "false", "off": options.languageModel = nil
            default:
                guard let entry = model.languageModel, entry.name == lm else {
                    throw ServerError.invalidArgument("config.custom_configuration.language_model: '\(clipped(lm))' is not the LM of \(model.name) "
                                                      + "(\(model.languageModel?.name ?? "it has none"); 'none' turns it off)")
                }
                options.languageModel = entry.model
            }
        }
        let phrases = config.speechContexts.flatMap(\.phrases).map { $0.lowercased() }.filter { !$0.isEmpty }
        if !phrases.isEmpty {
            // Hotwords need beam search; the largest boost of the contexts is their weight.
            options.strategy = .beam
            options.hotwords = phrases
            options.hotwordWeight = try number("hotword_weight", 0...100) ?? config.speechContexts.map(\.boost).max() ?? 10
        } else if custom["hotword_weight"] != nil {
            throw ServerError.invalidArgument("config.custom_configuration.hotword_weight weighs hotwords, and this request gives none "
                                              + "(put them in config.speech_contexts[].phrases)")
        }
        options.maxAlternatives = config.maxAlternatives
        finalDecoding = options
        interimDecoding = SpeechDecodingOptions(strategy: .greedy)
    }
}

/// Recognizes utterances: the model's forward pass through the bounded inference queue, decoding on a separate
/// pool of threads (beam search must not hold the threads that serve requests).
final class SpeechService: Sendable {
    let repository: ModelRepository
    let queue: InferenceQueue
    let metrics: ServerMetrics
    private let decodePool = DispatchQueue(label: "tao.decode", attributes: .concurrent)

    init(repository: ModelRepository, queue: InferenceQueue, metrics: ServerMetrics) {
        self.repository = repository
        self.queue = queue
        self.metrics = metrics
    }

    /// The hypotheses for one utterance (mono samples at the model's rate), best first.
    func recognize(_ samples: [Float], model: SpeechModelEntry, options: SpeechDecodingOptions,
                   priority: InferenceQueue.Priority) async throws -> [SpeechHypothesis] {
        let output = try await queue.logProbabilities(samples, recognizer: model.recognizer, priority: priority)
        return await withCheckedContinuation { continuation in
            decodePool.async { continuation.resume(returning: model.recognizer.decode(output, options: options)) }
        }
    }

    /// A final result for an utterance starting at sample `start` of the audio; `since` orders it among the final
    /// clips waiting (an offline request's arrival; by default now).
    func finalResult(for segment: SpeechSegmenter.Segment, plan: RecognitionPlan, streaming: Bool,
                     since: Date = Date()) async throws -> RecognitionResult {
        let hypotheses = try await recognize(segment.samples, model: plan.model, options: plan.finalDecoding, priority: .final(since: since))
        let rate = Double(plan.model.recognizer.sampleRate)
        let offset = Double(segment.start) / rate
        var alternatives = hypotheses.map { RecognitionAlternative($0, offset: offset, withWords: plan.config.enableWordTimeOffsets) }
        // Automatic punctuation needs a punctuation model in the repository; without one the transcript stays as is.
        if plan.config.enableAutomaticPunctuation, let punctuator = repository.textModel(for: .punctuateText),
           alternatives.contains(where: { !$0.transcript.isEmpty }) {
            let texts = alternatives.map(\.transcript)
            let request = TextRequest(task: .punctuateText, texts: texts)
            guard case let .texts(punctuated) = try await queue.answer(request, model: punctuator, admitted: true) else {
                throw ServerError.internalError("punctuation gave no texts")
            }
            for index in alternatives.indices where index < punctuated.count { alternatives[index].transcript = punctuated[index] }
        }
        return RecognitionResult(alternatives: alternatives, audioProcessed: Double(segment.end) / rate,
                                 isFinal: streaming ? true : nil, stability: streaming ? 1 : nil)
    }
}
