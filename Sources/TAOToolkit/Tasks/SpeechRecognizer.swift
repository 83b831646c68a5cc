import Foundation
import TAOAudio
import TAODecoding
import TAOSpeech
import TAOTensor

/// A CTC speech model (characters or subwords) ready to transcribe audio, for programs that serve or embed it (the service,
/// benchmarks): mono samples at `sampleRate` -> log-mel features -> encoder/decoder -> words with times.
///
/// The network is run by one caller at a time (`logProbabilities` holds a lock); decoding is free-threaded.
public final class SpeechRecognizer: @unchecked Sendable {
    /// Samples per second the model was trained on, in Hz.
    public let sampleRate: Int
    /// Output labels without the blank (characters, `" "` separating words; or subword pieces).
    public let labels: [String]
    /// Seconds between two output frames (hop x the encoder's subsampling, e.g. 0.02).
    public let frameSeconds: Double
    /// Trainable parameters of the network.
    public let parameterCount: Int
    /// The encoder's family, e.g. "QuartzNet/Jasper CTC".
    public let architecture: String
    /// The tao task that trains such a model: `speech_to_text` (characters) or `speech_to_text_citrinet` (subwords).
    public let task: String
    /// The beam-search settings the model was exported with, nil when it carries none (then `.standard`).
    public let tunedDecoding: TunedDecoding?
    private let model: CTCModel
    private let featurizer: LogMelFeaturizer
    private let lock = NSLock()

    /// Loads a speech_to_text or speech_to_text_citrinet `.tao` model (encrypted ones need `key`).
    public convenience init(contentsOf url: URL, key: String? = nil) throws {
        try self.init(SpeechModelFile.load(url, key: key))
    }

    /// The recognizer of a model file already loaded.
    init(_ file: SpeechModelFile) throws {
        model = file.model
        model.setTraining(false)
        featurizer = try LogMelFeaturizer(file.spec.preprocessor.config)
        sampleRate = file.spec.sampleRate
        labels = file.model.labels
        frameSeconds = file.spec.preprocessor.windowStride * Double(file.model.encoder.subsampling)
        parameterCount = file.model.parameters.reduce(0) { $0 + $1.count }
        let characters = file.tokenizer.kind == .characters
        architecture = characters ? "QuartzNet/Jasper CTC" : "Citrinet CTC (\(file.tokenizer.kind.rawValue) subwords)"
        task = (characters ? TaskName.speechToText : TaskName.speechToTextCitrinet).rawValue
        tunedDecoding = file.tunedDecoding
    }

    /// Whether `url` is a speech_to_text model archive (its config describes an encoder), without loading weights.
    public static func isSpeechModel(_ url: URL, key: String? = nil) throws -> Bool {
        let archive = try ModelArchive.read(from: url, key: key)
        guard archive[ModelArchive.weightsName] != nil, archive[TextModelFile.descriptionMember] == nil,
              let config = archive[ModelArchive.configName] else { return false }
        let text = String(decoding: config, as: UTF8.self)
        let subword = archive.members.contains { $0.name.hasPrefix(SpeechTokenizer.memberPrefix) }
        return text.contains("\n  encoder:") && (text.contains("\n  labels:") || subword)
    }

    /// `[frames x classes]` log-probabilities of each clip (mono, at `sampleRate`), run as one padded batch.
    /// Clips shorter than one window are padded with silence. Throws for non-finite samples.
    public func logProbabilities(ofBatch clips: [[Float]]) throws -> [CTCOutput] {
        if clips.isEmpty { return [] }
        let minimum = featurizer.config.windowLength
        let padded = clips.map { $0.count >= minimum ? $0 : $0 + [Float](repeating: 0, count: minimum - $0.count) }
        let features = try featurizer.features(ofBatch: padded, threads: 1)
        lock.lock()
        defer { lock.unlock() }
        let batch = SpeechBatchLoader.pad(features)
        let (logProbs, lengths) = withNoGrad { model(batch, lengths: features.map(\.validFrames)) }
        let values = logProbs.contiguous(), (time, classes) = (logProbs.shape[1], logProbs.shape[2])
        return withExtendedLifetime(values) {
            (0..<clips.count).map { item in
                let frames = min(max(lengths[item], 0), time)
                let start = values.pointer + item * time * classes
                return CTCOutput(values: Array(UnsafeBufferPointer(start: start, count: frames * classes)), frames: frames, classes: classes)
            }
        }
    }

    /// Decodes one clip's output into at most `options.maxAlternatives` hypotheses, best first.
    public func decode(_ output: CTCOutput, options: SpeechDecodingOptions) -> [SpeechHypothesis] {
        precondition(output.classes == labels.count + 1, "output has \(output.classes) classes, the model \(labels.count + 1)")
        return output.values.withUnsafeBufferPointer { buffer in
            let logProbs = LogProbabilities(buffer, frames: output.frames, labels: output.classes)
            guard options.strategy == .beam else {
                let words = CTCGreedyDecoder(labels: model.ctcLabels).decode(logProbs)
                return [SpeechHypothesis(words: words, frameSeconds: frameSeconds)]
            }
            let search = BeamSearchOptions(beamWidth: max(options.beamWidth, 1), beamPruneLogp: options.beamPruneLogp,
                                           tokenMinLogp: options.tokenMinLogp, alpha: options.alpha, beta: options.beta)
            let decoder = CTCBeamSearchDecoder(labels: model.ctcLabels, languageModel: options.languageModel, options: search)
            let hotwords = options.hotwords.isEmpty ? nil : Hotwords(options.hotwords, weight: options.hotwordWeight)
            let hypotheses = decoder.decode(logProbs, hotwords: hotwords).prefix(max(options.maxAlternatives, 1))
            if hypotheses.isEmpty { return [SpeechHypothesis(words: [], frameSeconds: frameSeconds)] }
            return hypotheses.map { SpeechHypothesis(words: $0.words, frameSeconds: frameSeconds) }
        }
    }

    /// Transcribes clips (mono, at `sampleRate`): the hypotheses of each, best first.
    public func transcribe(_ clips: [[Float]], options: SpeechDecodingOptions = .init()) throws -> [[SpeechHypothesis]] {
        try logProbabilities(ofBatch: clips).map { decode($0, options: options) }
    }

    /// Sets how many threads the network's matrix products and kernels use (process-wide).
    public static func useThreads(_ count: Int) {
        useComputeThreads(max(count, 1))
    }

    /// An n-gram language model from a `.tao` archive (written by `tao n_gram train`), a binary or an ARPA file.
    public static func languageModel(contentsOf url: URL, key: String? = nil) throws -> NGramModel {
        try NGramTask.load(url, key: key)
    }
}

/// One clip's CTC output: `[frames x classes]` log-probabilities, row-major, the blank last.
public struct CTCOutput: Sendable {
    public var values: [Float]
    public var frames: Int
    public var classes: Int
}

/// How `SpeechRecognizer.decode` turns log-probabilities into words.
public struct SpeechDecodingOptions: Sendable {
    public enum Strategy: String, Sendable { case greedy, beam }
    public var strategy: Strategy
    /// Hypotheses to return (beam search only gives more than one).
    public var maxAlternatives: Int
    public var beamWidth: Int
    public var beamPruneLogp: Double
    public var tokenMinLogp: Float
    /// Weight of the LM's natural-log score, and bonus per word (beam search with an LM).
    public var alpha: Double, beta: Double
    public var languageModel: NGramModel?
    /// Words or phrases to favour, and the bonus (natural log) each completed word gains.
    public var hotwords: [String]
    public var hotwordWeight: Double

    /// Greedy unless told otherwise; beam defaults as `tao speech_to_text` specs.
    public init(strategy: Strategy = .greedy, maxAlternatives: Int = 1, beamWidth: Int = 32, beamPruneLogp: Double = -10,
                tokenMinLogp: Float = Float(TunedDecoding.standard.tokenMinLogp), alpha: Double = TunedDecoding.standard.alpha,
                beta: Double = TunedDecoding.standard.beta, languageModel: NGramModel? = nil,
                hotwords: [String] = [], hotwordWeight: Double = 10) {
        self.strategy = strategy
        self.maxAlternatives = maxAlternatives
        self.beamWidth = beamWidth
        self.beamPruneLogp = beamPruneLogp
        self.tokenMinLogp = tokenMinLogp
        self.alpha = alpha
        self.beta = beta
        self.languageModel = languageModel
        self.hotwords = hotwords
        self.hotwordWeight = hotwordWeight
    }
}

/// A transcript hypothesis with timed words.
public struct SpeechHypothesis: Sendable, Equatable {
    /// One recognized word; times in seconds from the start of the clip.
    public struct Word: Sendable, Equatable {
        public var word: String
        public var start: Double, end: Double
        /// In [0, 1].
        public var confidence: Double

        public init(word: String, start: Double, end: Double, confidence: Double) {
            self.word = word
            self.start = start
            self.end = end
            self.confidence = confidence
        }
    }

    public var words: [Word]
    /// Words joined by single spaces.
    public var transcript: String { words.map(\.word).joined(separator: " ") }
    /// Mean word confidence (0 without words).
    public var confidence: Double { words.isEmpty ? 0 : words.reduce(0) { $0 + $1.confidence } / Double(words.count) }

    public init(words: [Word]) { self.words = words }

    init(words: [DecodedWord], frameSeconds: Double) {
        self.words = words.map {
            let (start, end) = $0.seconds(frameSeconds: frameSeconds)
            return Word(word: $0.word, start: start, end: end, confidence: Double($0.confidence))
        }
    }
}
