import Foundation
import TAOAudio
import TAOTensor

/// A batch ready for the model: padded features, valid lengths and label targets.
public struct SpeechBatch: @unchecked Sendable {
    /// `[batch, features, frames]`, zero past each utterance's valid frames.
    public var features: Tensor
    /// Valid frames of each utterance.
    public var lengths: [Int]
    /// Label ids of each transcript.
    public var targets: [[Int]]
    public var entries: [ManifestEntry]
    /// Seconds of audio in the batch.
    public var audioSeconds: Double
}

/// Turns manifest entries into batches: reads and resamples the audio (the `offset`/`duration` segment when a line
/// gives an offset), trims silence and perturbs speed when asked, computes log-mel features (both cores), applies
/// SpecAugment in training, pads to the longest utterance.
public struct SpeechBatchLoader: Sendable {
    public let featurizer: LogMelFeaturizer
    public let sampleRate: Int
    public let specAugment: SpecAugment?
    /// The label ids (CTC targets) of a transcript: its characters, or its subword pieces.
    public let encodeTranscript: @Sendable (String) -> [Int]
    /// Cut leading and trailing silence (librosa's trim, 60 dB), as NeMo's `trim_silence`.
    public let trimSilence: Bool
    /// Speed factors one of which is picked at random per utterance in training (NeMo's speed perturbation:
    /// resampling by 1 / factor, so pitch moves with speed); empty for none.
    public let speedFactors: [Double]
    /// Where utterances whose audio differs from their manifest duration are noted, when given.
    public let durationReport: DurationReport?

    /// A loader whose targets are the transcripts' characters, each the id of its label in `labels`
    /// (characters without a label are left out).
    public init(featurizer: LogMelFeaturizer, sampleRate: Int, specAugment: SpecAugment?, labels: [String],
                trimSilence: Bool = false, speedFactors: [Double] = [], durationReport: DurationReport? = nil) {
        var index: [Character: Int] = [:]
        for (id, label) in labels.enumerated() where label.count == 1 {
            if let character = label.first, index[character] == nil { index[character] = id }
        }
        let labelIndex = index
        self.init(featurizer: featurizer, sampleRate: sampleRate, specAugment: specAugment,
                  encodeTranscript: { text in text.compactMap { labelIndex[$0] } }, trimSilence: trimSilence, speedFactors: speedFactors,
                  durationReport: durationReport)
    }

    /// A loader whose targets `encodeTranscript` gives (e.g. a subword tokenizer's ids).
    public init(featurizer: LogMelFeaturizer, sampleRate: Int, specAugment: SpecAugment?,
                encodeTranscript: @escaping @Sendable (String) -> [Int], trimSilence: Bool = false, speedFactors: [Double] = [],
                durationReport: DurationReport? = nil) {
        self.featurizer = featurizer
        self.sampleRate = sampleRate
        self.specAugment = specAugment
        self.encodeTranscript = encodeTranscript
        self.trimSilence = trimSilence
        self.speedFactors = speedFactors.filter { $0 > 0 && $0.isFinite }
        self.durationReport = durationReport
    }

    /// Groups entries into batches of similar duration (so little is padding); in training the batches come in
    /// a seeded random order that changes with `epoch`, and utterances of equal length are shuffled among themselves.
    public static func plan(durations: [Double], batchSize: Int, shuffle: Bool, seed: UInt64, epoch: Int) -> [[Int]] {
        var rng = RandomGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9)
        var order = Array(durations.indices)
        if shuffle { order.shuffle(using: &rng) }
        order.sort { durations[$0] < durations[$1] }
        var batches = stride(from: 0, to: order.count, by: max(batchSize, 1)).map {
            Array(order[$0..<min($0 + max(batchSize, 1), order.count)])
        }
        if shuffle { batches.shuffle(using: &rng) }
        return batches
    }

    /// Feature matrices stacked into `[batch, features, frames]`, zero-padded to the longest.
    public static func pad(_ features: [Features]) -> Tensor {
        let mels = features.first?.featureCount ?? 0
        let frames = features.map(\.frameCount).max() ?? 0
        let batch = Tensor(zeros: [features.count, mels, frames])
        let out = batch.pointer
        for (b, item) in features.enumerated() {
            item.values.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress else { return }
                for m in 0..<mels {
                    (out + (b * mels + m) * frames).update(from: base + m * item.frameCount, count: item.frameCount)
                }
            }
        }
        return batch
    }

    /// The batch of `entries`; `seed` drives dither and SpecAugment in training.
    public func load(_ entries: [ManifestEntry], training: Bool, seed: UInt64) throws -> SpeechBatch {
        var rng = RandomGenerator(seed: seed)
        var clips: [[Float]] = []
        for entry in entries {
            clips.append(try samples(of: entry, speed: training ? pickSpeed(&rng) : 1))
        }
        var features = try featurizer.features(ofBatch: clips, training: training, threads: 2, rng: &rng)
        if training, let specAugment {
            for index in features.indices { specAugment.apply(to: &features[index], rng: &rng) }
        }
        let batch = Self.pad(features)
        let targets = entries.map { encodeTranscript($0.text) }
        let seconds = clips.reduce(0.0) { $0 + Double($1.count) / Double(sampleRate) }
        return SpeechBatch(features: batch, lengths: features.map(\.validFrames), targets: targets, entries: entries,
                           audioSeconds: seconds)
    }

    /// The utterance's samples at `sampleRate`: its segment of the file, trimmed, played `speed` times faster.
    public func samples(of entry: ManifestEntry, speed: Double = 1) throws -> [Float] {
        var samples = try entry.samples(at: sampleRate)
        durationReport?.record(entry, actual: Double(samples.count) / Double(sampleRate))
        if trimSilence {
            let kept = SilenceTrimmer.nonSilentRange(samples)
            if kept.count < samples.count { samples = Array(samples[kept]) }
        }
        if speed != 1 {
            // Read at rate r and replayed at r / speed: the same words, `speed` times faster.
            samples = try Resampler.resample(samples, from: Double(sampleRate), to: (Double(sampleRate) / speed).rounded())
        }
        return samples
    }

    private func pickSpeed(_ rng: inout RandomGenerator) -> Double {
        guard !speedFactors.isEmpty else { return 1 }
        return speedFactors[Int(rng.next() % UInt64(speedFactors.count))]
    }
}
