import Foundation
import TAOAudio

/// Transcribes audio files of any length for `infer`. A file longer than `maxSegmentSeconds` is cut at its pauses
/// into utterances, much as `tao serve` cuts a request: a model trained on single utterances loses many words on a long
/// file of several voices or levels, whose features are normalized over the whole file and whose neighbouring
/// sentences its convolutions see. Utterances of consecutive files share forward passes of up to `batchSize`;
/// each file is reported, in order, as soon as its last utterance is done.
struct FileTranscriber {
    /// One utterance of a file: where it lies and its words, times in seconds from the file's start.
    struct Segment {
        var start: Double, end: Double
        var words: [SpeechHypothesis.Word]
    }

    /// One file's transcript: the utterances it was cut into (one for a file taken whole).
    struct Transcript {
        var path: String
        var duration: Double
        var segments: [Segment] = []

        var words: [SpeechHypothesis.Word] { segments.flatMap(\.words) }
        var text: String { words.map(\.word).joined(separator: " ") }
    }

    /// Where a file is cut: where 95% of 400 ms are quiet, a pause between two sentences. tao serve waits 600 ms
    /// (Riva's endpointing, which must not cut a speaker short, and offline requests are cut as streams are, for the
    /// same results); on files, the shorter window gave fewer word errors, with two speakers and with one.
    static let cutting: EndpointingConfig = {
        var config = EndpointingConfig()
        config.stopHistory = 400
        return config
    }()

    let recognizer: SpeechRecognizer
    let decoder: TranscriptDecoder
    let batchSize: Int
    let maxSegmentSeconds: Double

    /// Transcribes `paths` in order, handing each file's transcript to `report` when it is complete.
    func transcribe(_ paths: [String], report: (Transcript) throws -> Void) throws {
        let rate = recognizer.sampleRate
        var transcripts: [Transcript] = []
        /// Utterances of each file not yet decoded.
        var owed: [Int] = []
        var pending: [(file: Int, utterance: SpeechSegmenter.Segment)] = []
        var reported = 0

        func reportFinished() throws {
            while reported < transcripts.count, owed[reported] == 0 {
                try report(transcripts[reported])
                reported += 1
            }
        }
        func runPending() throws {
            guard !pending.isEmpty else { return }
            let outputs = try recognizer.logProbabilities(ofBatch: pending.map(\.utterance.samples))
            for ((file, utterance), output) in zip(pending, outputs) {
                let start = Double(utterance.start) / Double(rate), end = Double(utterance.end) / Double(rate)
                let decoded = output.values.withUnsafeBufferPointer { decoder.words($0, classes: output.classes) }
                let words = SpeechHypothesis(words: decoded, frameSeconds: recognizer.frameSeconds).words.map { word in
                    SpeechHypothesis.Word(word: word.word, start: start + word.start, end: start + word.end, confidence: word.confidence)
                }
                transcripts[file].segments.append(Segment(start: start, end: end, words: words))
                owed[file] -= 1
            }
            pending = []
            try reportFinished()
        }

        for path in paths {
            let samples = try AudioFile.read(URL(fileURLWithPath: path), resamplingTo: rate).samples
            let duration = Double(samples.count) / Double(rate)
            let utterances = maxSegmentSeconds > 0 && duration > maxSegmentSeconds
                ? SpeechSegmenter.utterances(of: samples, sampleRate: rate, maxSegmentSeconds: maxSegmentSeconds, config: Self.cutting)
                : [SpeechSegmenter.Segment(start: 0, samples: samples)]
            transcripts.append(Transcript(path: path, duration: duration))
            owed.append(utterances.count)
            for utterance in utterances {
                pending.append((transcripts.count - 1, utterance))
                if pending.count >= batchSize { try runPending() }
            }
            try reportFinished()
        }
        try runPending()
    }
}
