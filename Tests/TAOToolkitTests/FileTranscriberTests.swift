import Foundation
import Testing
import TAOAudio
import TAODecoding
import TAOSpeech
@testable import TAOToolkit

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite("FileTranscriber")
struct FileTranscriberTests {
    let model: SpeechModelFile
    let rate: Int
    /// Five fixture utterances and their transcripts.
    let utterances: [(samples: [Float], text: String)]

    init() throws {
        let model = try SpeechModelFile.load(repository.appendingPathComponent("models/citrinet_char/citrinet_char.tao"), key: nil)
        let rate = model.spec.sampleRate
        self.model = model
        self.rate = rate
        let fixtures = repository.appendingPathComponent("audio-fixtures")
        utterances = try ["espeak_us_fox", "flite_kal_weather", "espeak_gb_music", "flite_slt_numbers", "espeak_us_order"].map { name in
            let samples = try AudioFile.read(fixtures.appendingPathComponent(name + ".wav"), resamplingTo: rate).samples
            let text = try String(contentsOf: fixtures.appendingPathComponent(name + ".txt"), encoding: .utf8)
            return (samples, text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    func transcripts(_ entries: [ManifestEntry], batchSize: Int = 8, maxSegmentSeconds: Double) throws -> [FileTranscriber.Transcript] {
        let transcriber = FileTranscriber(recognizer: try SpeechRecognizer(model), batchSize: batchSize, maxSegmentSeconds: maxSegmentSeconds,
                                          read: { [rate] in try $0.samples(at: rate) })
        var found: [FileTranscriber.Transcript] = []
        try transcriber.transcribe(entries, decoder: TranscriptDecoder(greedy: model.model)) { found.append($0) }
        return found
    }

    func transcripts(_ paths: [URL], batchSize: Int = 8, maxSegmentSeconds: Double) throws -> [FileTranscriber.Transcript] {
        try transcripts(paths.map { ManifestEntry(audioFilepath: $0.path, duration: 0, text: "") }, batchSize: batchSize,
                        maxSegmentSeconds: maxSegmentSeconds)
    }

    /// The utterances one after another, each followed by `pause` seconds of silence, every other one 10 dB quieter
    /// (a second speaker further from the microphone); and where each utterance starts and ends, in samples.
    func conversation(pause: Double) -> (samples: [Float], spans: [Range<Int>]) {
        var samples: [Float] = [], spans: [Range<Int>] = []
        for (index, utterance) in utterances.enumerated() {
            let gain: Float = index % 2 == 0 ? 1 : 0.316
            spans.append(samples.count..<(samples.count + utterance.samples.count))
            samples += utterance.samples.map { $0 * gain } + [Float](repeating: 0, count: Int(pause * Double(rate)))
        }
        return (samples, spans)
    }

    func wordErrors(_ transcript: FileTranscriber.Transcript) -> Int {
        let reference = utterances.map(\.text).joined(separator: " ").split(separator: " ").map(String.init)
        return ErrorRate.editDistance(reference, transcript.text.split(separator: " ").map(String.init))
    }

    @Test("a long file is cut at its pauses, one utterance per cut, and loses fewer words than the file taken whole")
    func longFileCutAtPauses() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("transcriber-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (samples, spans) = conversation(pause: 0.8)
        let file = folder.appendingPathComponent("conversation.wav")
        try AudioFile.writeWAV(samples, sampleRate: rate, to: file)
        #expect(Double(samples.count) / Double(rate) > 8, "the file is longer than the 8 s limit below")

        let cut = try #require(try transcripts([file], maxSegmentSeconds: 8).first)
        #expect(cut.segments.count == utterances.count)
        for (index, (segment, span)) in zip(cut.segments, spans).enumerated() {
            // Each segment lies between the utterances before and after its own, and holds the middle of its own.
            let seconds = { (sample: Int) in Double(sample) / Double(rate) }
            let earliest = index == 0 ? 0 : seconds(spans[index - 1].upperBound)
            let latest = index + 1 < spans.count ? seconds(spans[index + 1].lowerBound) : cut.duration
            let middle = seconds((span.lowerBound + span.upperBound) / 2)
            #expect(earliest <= segment.start && segment.start < middle && middle < segment.end && segment.end <= latest,
                    "segment \(segment.start)-\(segment.end) s for utterance \(seconds(span.lowerBound))-\(seconds(span.upperBound)) s")
        }
        #expect(zip(cut.words, cut.words.dropFirst()).allSatisfy { $0.start <= $1.start })
        #expect(cut.words.allSatisfy { $0.end <= cut.duration + 0.03 })
        #expect(cut.text == cut.segments.flatMap { $0.words.map(\.word) }.joined(separator: " "))

        let whole = try #require(try transcripts([file], maxSegmentSeconds: 0).first)
        #expect(whole.segments.count == 1 && whole.segments[0].start == 0 && whole.segments[0].end == cut.duration)
        #expect(wordErrors(cut) < wordErrors(whole), "cut: '\(cut.text)'; whole: '\(whole.text)'")
    }

    @Test("files are reported in order whatever the batches: a short file is one utterance, a silent long one has none")
    func orderAndShortFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("transcriber-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let short = folder.appendingPathComponent("short.wav"), long = folder.appendingPathComponent("long.wav")
        let silent = folder.appendingPathComponent("silent.wav")
        try AudioFile.writeWAV(utterances[0].samples, sampleRate: rate, to: short)
        try AudioFile.writeWAV(conversation(pause: 0.8).samples, sampleRate: rate, to: long)
        try AudioFile.writeWAV([Float](repeating: 0, count: 12 * rate), sampleRate: rate, to: silent)
        let paths = [short, long, silent, short]
        for batchSize in [1, 2, 8] {
            let found = try transcripts(paths, batchSize: batchSize, maxSegmentSeconds: 8)
            #expect(found.map(\.path) == paths.map(\.path), "batch size \(batchSize)")
            #expect(found.map(\.segments.count) == [1, utterances.count, 0, 1], "batch size \(batchSize)")
            #expect(found[0].text == found[3].text && !found[0].text.isEmpty)
            #expect(found[2].text.isEmpty && found[2].duration == 12)
        }
    }
}

@Suite("FileTranscriber on manifest entries")
struct FileTranscriberEntryTests {
    let base: FileTranscriberTests
    let folder: URL
    let long: URL
    let spans: [Range<Int>]

    init() throws {
        base = try FileTranscriberTests()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("transcriber-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let conversation = base.conversation(pause: 0.8)
        spans = conversation.spans
        long = folder.appendingPathComponent("conversation.wav")
        try AudioFile.writeWAV(conversation.samples, sampleRate: base.rate, to: long)
    }

    func seconds(_ sample: Int) -> Double { Double(sample) / Double(base.rate) }

    @Test("an entry with an offset is its stretch of the file: the same words as that stretch alone, timed from the file's start")
    func offsetEntries() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let samples = try AudioFile.read(long, resamplingTo: base.rate).samples
        var entries: [ManifestEntry] = [], alone: [URL] = []
        for index in [1, 3] {
            // The utterance with 0.3 s of the pauses around it.
            let range = (spans[index].lowerBound - base.rate * 3 / 10)..<(spans[index].upperBound + base.rate * 3 / 10)
            entries.append(ManifestEntry(audioFilepath: long.path, duration: seconds(range.count), text: "", offset: seconds(range.lowerBound)))
            let stretch = folder.appendingPathComponent("stretch-\(index).wav")
            try AudioFile.writeWAV(Array(samples[range]), sampleRate: base.rate, to: stretch)
            alone.append(stretch)
        }
        let found = try base.transcripts(entries, maxSegmentSeconds: 8)
        let expected = try base.transcripts(alone, maxSegmentSeconds: 8)
        #expect(found.count == 2)
        for (transcript, (entry, stretch)) in zip(found, zip(entries, expected)) {
            let offset = try #require(entry.offset)
            #expect(!transcript.text.isEmpty && transcript.text == stretch.text)
            #expect(abs(transcript.duration - entry.duration) < 0.001)
            #expect(transcript.segments.count == 1 && transcript.segments[0].start == offset)
            for (word, wordAlone) in zip(transcript.words, stretch.words) {
                #expect(abs(word.start - (wordAlone.start + offset)) < 1e-9 && abs(word.end - (wordAlone.end + offset)) < 1e-9)
            }
        }
    }

    @Test("evaluate cuts an utterance longer than max_segment_seconds into stretches and scores fewer errors on it than whole")
    func evaluateCutsLongUtterances() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = base.utterances.map(\.text).joined(separator: " ")
        let short = folder.appendingPathComponent("short.wav")
        try AudioFile.writeWAV(base.utterances[0].samples, sampleRate: base.rate, to: short)
        let duration = try AudioFile.read(long, resamplingTo: base.rate).duration
        let entries = [ManifestEntry(audioFilepath: short.path, duration: seconds(base.utterances[0].samples.count), text: base.utterances[0].text),
                       ManifestEntry(audioFilepath: long.path, duration: duration, text: reference)]
        let loader = SpeechBatchLoader(featurizer: try LogMelFeaturizer(base.model.spec.preprocessor.config), sampleRate: base.rate,
                                       specAugment: nil, labels: base.model.model.labels)
        func outputs(_ maxSegmentSeconds: Double) throws -> [String: SpeechToTextTask.UtteranceOutput] {
            let list = try SpeechToTextTask.logProbabilities(base.model, entries: entries, loader: loader, batchSize: 4,
                                                             maxSegmentSeconds: maxSegmentSeconds)
            return Dictionary(uniqueKeysWithValues: list.map { ($0.entry.audioFilepath, $0) })
        }
        let cut = try outputs(8), whole = try outputs(0)
        #expect(cut[short.path]?.pieces.count == 1 && cut[long.path]?.pieces.count == base.utterances.count)
        #expect(whole[short.path]?.pieces.count == 1 && whole[long.path]?.pieces.count == 1)
        let decoder = TranscriptDecoder(greedy: base.model.model)
        let classes = base.model.model.decoder.classes
        let cutScore = SpeechToTextTask.score(Array(cut.values), classes: classes, decoder: decoder)
        let wholeScore = SpeechToTextTask.score(Array(whole.values), classes: classes, decoder: decoder)
        #expect(cutScore.wer.rate < wholeScore.wer.rate, "cut \(cutScore.wer.rate), whole \(wholeScore.wer.rate)")
        // The short utterance is the same either way.
        let hypothesis = { (score: SpeechToTextTask.Evaluation) in
            score.predictions.first { $0["audio_filepath"] as? String == short.path }?["hypothesis"] as? String
        }
        #expect(hypothesis(cutScore) != nil && hypothesis(cutScore) == hypothesis(wholeScore))
    }
}
