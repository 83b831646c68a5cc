import Foundation
import TAOAudio
import TAOSpeech

/// Runs a speech model over recordings of any length for `infer` and `evaluate`. An entry longer than
/// `maxSegmentSeconds` is cut at its pauses into utterances, much as `tao serve` cuts a request: a model trained on
/// single utterances loses many words on a long recording of several voices or levels, whose features are normalized
/// over the whole of it and whose neighbouring sentences its convolutions see. Utterances of consecutive entries share
/// forward passes of up to `batchSize`; each entry is reported, in order, as soon as its last utterance is done.
struct FileTranscriber {
    /// One utterance of an entry and the model's output for it; times in seconds from the entry's start.
    struct Piece {
        var start: Double, end: Double
        var output: CTCOutput
    }

    /// The model's outputs for one entry: one piece for an entry taken whole, none for a silent one that was cut.
    struct EntryOutput {
        var entry: ManifestEntry
        /// Seconds of audio read for the entry.
        var duration: Double
        var pieces: [Piece] = []
        /// Why the entry's audio could not be read, when it was skipped.
        var failure: (any Error)?
    }

    /// One utterance of an entry: where it lies and its words, times in seconds from the file's start.
    struct Segment {
        var start: Double, end: Double
        var words: [SpeechHypothesis.Word]
    }

    /// One entry's transcript: the utterances it was cut into (one for an entry taken whole).
    struct Transcript {
        var entry: ManifestEntry
        var duration: Double
        var segments: [Segment] = []
        /// Why the entry's audio could not be read, when it was skipped.
        var failure: (any Error)?

        var path: String { entry.audioFilepath }
        var words: [SpeechHypothesis.Word] { segments.flatMap(\.words) }
        var text: String { words.map(\.word).joined(separator: " ") }
    }

    /// Where a recording is cut: where 95% of 400 ms are quiet, a pause between two sentences. tao serve waits 600 ms
    /// (Riva's endpointing, which must not cut a speaker short, and offline requests are cut as streams are, for the
    /// same results); on files, the shorter window gave fewer word errors, with two speakers and with one.
    static let cutting: EndpointingConfig = {
        var config = EndpointingConfig()
        config.stopHistory = 400
        return config
    }()

    let recognizer: SpeechRecognizer
    let batchSize: Int
    let maxSegmentSeconds: Double
    /// An entry's samples at the recognizer's rate: its segment of the file when it gives an offset.
    let read: (ManifestEntry) throws -> [Float]
    /// Once it is set, no more utterances are taken: the entries whose every utterance was taken are still run and
    /// reported, the rest are not.
    var stop: StopRequest?

    /// Runs the model over `entries` in order, handing each entry's outputs to `report` when they are complete, until
    /// `stop` is set. An entry whose audio cannot be read ends the run; with `skippingUnreadable` it is reported with
    /// its failure.
    func run(_ entries: [ManifestEntry], skippingUnreadable: Bool = false, report: (EntryOutput) throws -> Void) throws {
        let rate = recognizer.sampleRate
        var outputs: [EntryOutput] = []
        /// Utterances of each entry not yet run.
        var owed: [Int] = []
        var pending: [(entry: Int, utterance: SpeechSegmenter.Segment)] = []
        var reported = 0

        func reportFinished() throws {
            while reported < outputs.count, owed[reported] == 0 {
                try report(outputs[reported])
                outputs[reported].pieces = []  // reported: a long batch does not keep every output
                reported += 1
            }
        }
        func runPending() throws {
            guard !pending.isEmpty else { return }
            let results = try recognizer.logProbabilities(ofBatch: pending.map(\.utterance.samples))
            for ((entry, utterance), output) in zip(pending, results) {
                let start = Double(utterance.start) / Double(rate), end = Double(utterance.end) / Double(rate)
                outputs[entry].pieces.append(Piece(start: start, end: end, output: output))
                owed[entry] -= 1
            }
            pending = []
            try reportFinished()
        }

        entries: for entry in entries {
            if stop?.signal != nil { break }
            let samples: [Float]
            do {
                samples = try read(entry)
            } catch where skippingUnreadable {
                outputs.append(EntryOutput(entry: entry, duration: 0, failure: error))
                owed.append(0)
                try reportFinished()
                continue
            }
            let duration = Double(samples.count) / Double(rate)
            let utterances = maxSegmentSeconds > 0 && duration > maxSegmentSeconds
                ? SpeechSegmenter.utterances(of: samples, sampleRate: rate, maxSegmentSeconds: maxSegmentSeconds, config: Self.cutting)
                : [SpeechSegmenter.Segment(start: 0, samples: samples)]
            outputs.append(EntryOutput(entry: entry, duration: duration))
            owed.append(utterances.count)
            for utterance in utterances {
                // A long recording stops within a batch: its utterances taken so far are run, but it is not reported.
                if stop?.signal != nil { break entries }
                pending.append((outputs.count - 1, utterance))
                if pending.count >= batchSize { try runPending() }
            }
            try reportFinished()
        }
        try runPending()
    }

    /// Transcribes `entries` in order with `decoder`, handing each entry's transcript to `report` when it is complete.
    /// Stops as `run` does.
    func transcribe(_ entries: [ManifestEntry], decoder: TranscriptDecoder, skippingUnreadable: Bool = false,
                    report: (Transcript) throws -> Void) throws {
        try run(entries, skippingUnreadable: skippingUnreadable) { output in
            let offset = output.entry.offset ?? 0
            var transcript = Transcript(entry: output.entry, duration: output.duration, failure: output.failure)
            for piece in output.pieces {
                let decoded = piece.output.values.withUnsafeBufferPointer { decoder.words($0, classes: piece.output.classes) }
                let start = offset + piece.start
                let words = SpeechHypothesis(words: decoded, frameSeconds: recognizer.frameSeconds).words.map { word in
                    SpeechHypothesis.Word(word: word.word, start: start + word.start, end: start + word.end, confidence: word.confidence)
                }
                transcript.segments.append(Segment(start: start, end: offset + piece.end, words: words))
            }
            try report(transcript)
        }
    }
}
