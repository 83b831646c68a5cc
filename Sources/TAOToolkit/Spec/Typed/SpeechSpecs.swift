import TAOAudio
import TAOSpeech

/// `model.preprocessor`: NeMo's log-mel front end.
public struct PreprocessorSpec: Codable, Equatable, Sendable {
    public var sampleRate: Int
    /// Seconds.
    public var windowSize: Double
    /// Seconds.
    public var windowStride: Double
    /// Samples; overrides `windowSize` when set.
    public var nWindowSize: Int?
    /// Samples; overrides `windowStride` when set.
    public var nWindowStride: Int?
    public var nFft: Int?
    public var features: Int
    public var window: String
    public var normalize: String
    public var dither: Double
    public var preemph: Double?
    public var log: Bool
    public var logZeroGuardType: String
    public var logZeroGuardValue: Double
    public var magPower: Double
    public var melNorm: String?
    /// Hz.
    public var lowfreq: Double
    /// Hz; nil means half the sample rate.
    public var highfreq: Double?
    public var padTo: Int
    public var padValue: Double
    public var frameSplicing: Int
    public var stftPadMode: String
}

/// `model.spec_augment`: frequency/time masks and SpecCutout rectangles.
public struct SpecAugmentSpec: Codable, Equatable, Sendable {
    public var freqMasks: Int
    public var timeMasks: Int
    public var freqWidth: Int
    /// Frames when at least 1, a fraction of the utterance when below 1.
    public var timeWidth: Double
    public var rectMasks: Int
    public var rectTime: Int
    public var rectFreq: Int
}

/// What every speech model's `model` block gives: the front end, augmentation and network.
public protocol SpeechModelSpec: Codable, Equatable, Sendable {
    var sampleRate: Int { get }
    var preprocessor: PreprocessorSpec { get }
    var specAugment: SpecAugmentSpec? { get }
    var encoder: EncoderSpec { get }
    var decoder: DecoderSpec { get }
}

/// `model` of a character CTC model (QuartzNet, Jasper).
public struct CharacterModelSpec: SpeechModelSpec {
    public var labels: [String]
    public var sampleRate: Int
    public var `repeat`: Int
    public var dropout: Double
    public var separable: Bool
    public var preprocessor: PreprocessorSpec
    public var specAugment: SpecAugmentSpec?
    public var encoder: EncoderSpec
    public var decoder: DecoderSpec
}

/// `model.tokenizer` of a subword model.
public struct SubwordTokenizerSpec: Codable, Equatable, Sendable {
    public var dir: String
    public var type: String
}

/// `model` of a subword CTC model (Citrinet).
public struct SubwordModelSpec: SpeechModelSpec {
    public var sampleRate: Int
    public var tokenizer: SubwordTokenizerSpec
    public var preprocessor: PreprocessorSpec
    public var specAugment: SpecAugmentSpec?
    public var encoder: EncoderSpec
    public var decoder: DecoderSpec
}

/// The `model` keys evaluation-time speech specs carry for their data blocks.
public struct SpeechModelBasics: Codable, Equatable, Sendable {
    public var sampleRate: Int
    public var labels: [String]?
    /// speech_to_text_citrinet finetune: a new tokenizer whose vocabulary replaces the model's (null: keep it).
    public var tokenizer: SubwordTokenizerSpec?
    /// finetune: SpecAugment for the run instead of the model's own (null: the model's).
    public var specAugment: SpecAugmentSpec?
}

/// `training_ds`, `validation_ds`, `test_ds` of speech tasks: NeMo manifests.
public struct ManifestDatasetSpec: Codable, Equatable, Sendable {
    public var manifestFilepath: String
    public var sampleRate: Int
    public var labels: [String]?
    public var batchSize: Int
    public var shuffle: Bool
    /// Seconds.
    public var maxDuration: Double?
    /// Seconds.
    public var minDuration: Double?
    public var trimSilence: Bool
    public var normalizeTranscripts: Bool
    public var strict: Bool
    public var speedPerturb: [Double]?
    public var numWorkers: Int
    public var isTarred: Bool
    public var tarredAudioFilepaths: String?
}

/// `train` of speech_to_text (Model: CharacterModelSpec) and speech_to_text_citrinet (SubwordModelSpec).
public struct SpeechTrainSpec<Model: Codable & Equatable & Sendable>: Codable, Equatable, Sendable {
    public var trainer: TrainerSpec
    public var expManager: ExperimentManagerSpec
    public var saveTo: String
    public var model: Model
    public var trainingDs: ManifestDatasetSpec
    public var validationDs: ManifestDatasetSpec?
    public var optim: OptimSpec
}

/// `finetune` of the speech tasks: new characters in `change_vocabulary` (speech_to_text), or a new tokenizer in
/// `model.tokenizer` (speech_to_text_citrinet), replace the decoder.
public struct SpeechFinetuneSpec: Codable, Equatable, Sendable {
    public var trainer: TrainerSpec
    public var expManager: ExperimentManagerSpec
    public var saveTo: String
    public var model: SpeechModelBasics
    public var changeVocabulary: [String]?
    public var finetuningDs: ManifestDatasetSpec
    public var validationDs: ManifestDatasetSpec?
    public var optim: OptimSpec
}

/// `decoding` of the speech tasks: greedy, or beam search with an n-gram LM and hotwords.
public struct DecodingSpec: Codable, Equatable, Sendable {
    public var strategy: String
    public var beamWidth: Int
    public var beamPruneLogp: Double
    /// nil: the model's tuned value (`TunedDecoding`).
    public var tokenMinLogp: Double?
    public var lmPath: String?
    /// LM weight and word bonus; nil: the model's tuned ones (`TunedDecoding`).
    public var alpha: Double?
    public var beta: Double?
    public var unkScoreOffset: Double
    public var hotwords: [String]
    public var hotwordWeight: Double
    public var alphaGrid: [Double]
    public var betaGrid: [Double]
}

extension DecodingSpec {
    /// The settings to decode with: the spec's, else those the model was tuned with, else the standard ones.
    func settings(tuned: TunedDecoding?) -> TunedDecoding {
        (tuned ?? .standard).replacing(alpha: alpha, beta: beta, tokenMinLogp: tokenMinLogp)
    }
}

/// `evaluate` of the speech tasks.
public struct SpeechEvaluateSpec: Codable, Equatable, Sendable {
    public var model: SpeechModelBasics
    public var testDs: ManifestDatasetSpec
    public var maxSegmentSeconds: Double
    public var decoding: DecodingSpec
}

/// `infer` of the speech tasks.
public struct SpeechInferSpec: Codable, Equatable, Sendable {
    public var filePaths: [String]?
    public var manifest: String?
    public var batchSize: Int
    public var maxSegmentSeconds: Double
    public var decoding: DecodingSpec
}

/// `create_tokenizer` of speech_to_text_citrinet (NeMo's process_asr_text_tokenizer options).
public struct CreateTokenizerSpec: Codable, Equatable, Sendable {
    public var manifests: String?
    public var dataFile: String?
    public var outputRoot: String
    public var vocabSize: Int
    public var tokenizer: String
    public var speType: String
    public var speCharacterCoverage: Double
    public var speSampleSize: Int
    public var speMaxSentencepieceLength: Int
    public var speSplitDigits: Bool
    public var lowerCase: Bool
}

extension PreprocessorSpec {
    /// The front end's settings.
    public var config: PreprocessorConfig {
        var config = PreprocessorConfig()
        config.sampleRate = sampleRate
        config.windowSize = windowSize
        config.windowStride = windowStride
        config.nWindowSize = nWindowSize
        config.nWindowStride = nWindowStride
        config.nFFT = nFft ?? 512
        config.features = features
        config.window = window
        config.normalize = normalize
        config.dither = dither
        config.preemph = preemph
        config.log = log
        config.logZeroGuardType = logZeroGuardType
        config.logZeroGuardValue = logZeroGuardValue
        config.magPower = magPower
        config.melNorm = melNorm
        config.lowfreq = lowfreq
        config.highfreq = highfreq
        config.padTo = padTo
        config.padValue = padValue
        config.frameSplicing = frameSplicing
        config.stftPadMode = stftPadMode
        return config
    }
}

extension SpecAugmentSpec {
    /// The augmentation's settings; a `time_width` of at least 1 counts frames, below 1 a fraction of the length.
    public var augmentation: SpecAugment {
        var augment = SpecAugment()
        augment.freqMasks = freqMasks
        augment.timeMasks = timeMasks
        augment.freqWidth = freqWidth
        augment.timeWidth = timeWidth >= 1 ? .frames(Int(timeWidth)) : .fraction(timeWidth)
        augment.rectMasks = rectMasks
        augment.rectTime = rectTime
        augment.rectFreq = rectFreq
        return augment
    }
}
