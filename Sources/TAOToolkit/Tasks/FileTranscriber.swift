import Foundation
import TAOAudio
import TAODecoding
import TAOSpeech
import TAOTensor

/// Transcribes audio files of any length for `infer`. A file longer than `maxSegmentSeconds` is cut at its pauses
/// into utterances, much as `tao serve` cuts a request: a model trained on single utterances loses many words on a long
/// file of several voices or levels, whose features are normalized over the whole file and whose neighbouring
/// sentences its convolutions see. Utterances of consecutive files share forward passes of up to `batchSize`;
/// each file is reported, in order, as soon as its last utterance is done.
struct FileTranscriber {
    /// One file's transcript: its words (times from the file's start) and the utterances it was cut into.
    struct Transcript {
        var path: String
        var duration: Double
        var segments: [(start: Double, end: Double, words: [DecodedWord])] = []

        /// Every word, with times in seconds from the file's start.
        func timedWords(frameSeconds: Double) -> [(word: DecodedWord, start: Double, end: Double)] {
            segments.flatMap { segment in
                segment.words.map { word in
                    let (start, end) = word.seconds(frameSeconds: frameSeconds)
                    return (word, segment.start + start, segment.start + end)
                }
            }
        }

        var text: String { segments.flatMap { $0.words.map(\.word) }.joined(separator: " ") }
    }

    /// Where a file is cut: where 95% of 400 ms are quiet, a pause between two sentences. tao serve waits 600 ms
    /// (Riva's endpointing, which must not cut a speaker short, and offline requests are cut as streams are, for the
    /// same results); on files, the shorter window gave fewer word errors, with two speakers and with one.
    static let cutting: EndpointingConfig = {
        var config = EndpointingConfig()
        config.stopHistory = 400
        return config
    }()

    let model: CTCModel
    let featurizer: LogMelFeaturizer
    let decoder: TranscriptDecoder
    let sampleRate: Int
    let batchSize: Int
    let maxSegmentSeconds: Double

    /// Transcribes `paths` in order, handing each file's transcript to `report` when it is complete.
    func transcribe(_ paths: [String], report: (Transcript) throws -> Void) throws {
        var transcripts: [Transcript] = []
        var owed: [Int] = []
        var pending: [(file: Int, segment: SpeechSegmenter.Segment)] = []
        var reported = 0

        func reportFinished() throws {
            while reported < transcripts.count, owed[reported] == 0 {
                try report(transcripts[reported])
                reported += 1
            }
        }
        func runPending() throws {
            guard !pending.isEmpty else { return }
            let decoded = try words(of: pending.map(\.segment.samples))
            for ((file, segment), words) in zip(pending, decoded) {
                let start = Double(segment.start) / Double(sampleRate)
                transcripts[file].segments.append((start, start + Double(segment.samples.count) / Double(sampleRate), words))
                owed[file] -= 1
            }
            pending = []
            try reportFinished()
        }

        for path in paths {
            let samples = try AudioFile.read(URL(fileURLWithPath: path), resamplingTo: sampleRate).samples
            let duration = Double(samples.count) / Double(sampleRate)
            let segments = maxSegmentSeconds > 0 && duration > maxSegmentSeconds
                ? SpeechSegmenter.utterances(of: samples, sampleRate: sampleRate, maxSegmentSeconds: maxSegmentSeconds, config: Self.cutting)
                : [SpeechSegmenter.Segment(start: 0, samples: samples)]
            transcripts.append(Transcript(path: path, duration: duration))
            owed.append(segments.count)
            for segment in segments {
                pending.append((transcripts.count - 1, segment))
                if pending.count >= batchSize { try runPending() }
            }
            try reportFinished()
        }
        try runPending()
    }

    /// The decoded words of each clip, computed in one forward pass.
    private func words(of clips: [[Float]]) throws -> [[DecodedWord]] {
        let features = try featurizer.features(ofBatch: clips)
        let (logProbs, lengths) = withNoGrad { model(SpeechBatchLoader.pad(features), lengths: features.map(\.validFrames)) }
        return clips.indices.map { decoder.words(logProbs, item: $0, length: lengths[$0]) }
    }
}
