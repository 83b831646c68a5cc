import Foundation
import Testing
import TAOAudio
@testable import TAOSpeech

@Test("a segment's offset and duration become samples clamped to the file, whatever their size (never an Int overflow)")
func segmentSecondsNeverTrap() throws {
    let url = try #require(Bundle.module.url(forResource: "cards_001", withExtension: "wav", subdirectory: "Fixtures"))
    let loader = SpeechBatchLoader(featurizer: try LogMelFeaturizer(.quartzNet), sampleRate: 16000, specAugment: nil, labels: ["a"])
    let whole = try loader.samples(of: ManifestEntry(audioFilepath: url.path, duration: 0, text: "ten of clubs"))
    let huge = try loader.samples(of: ManifestEntry(audioFilepath: url.path, duration: 1e300, text: "ten of clubs", offset: 0))
    #expect(huge.count == whole.count)
    let fromStart = try loader.samples(of: ManifestEntry(audioFilepath: url.path, duration: 0.5, text: "ten", offset: -1e300))
    #expect(fromStart == Array(whole.prefix(8000)))
    #expect(throws: SpeechError.self) {
        try loader.samples(of: ManifestEntry(audioFilepath: url.path, duration: 1, text: "ten", offset: 1e300))
    }
    #expect([1e300, -1e300, .infinity, -.infinity, .nan, 0.25].map { ManifestEntry.sampleCount(ofSeconds: $0, rate: 16000, atMost: 10_000) }
            == [10_000, 0, 10_000, 0, 0, 4000])
}

@Test("audio of another length than its manifest line (a cut-short file, a segment past the file's end) is reported once per file")
func durationMismatchesReported() throws {
    let url = try #require(Bundle.module.url(forResource: "cards_001", withExtension: "wav", subdirectory: "Fixtures"))
    let report = DurationReport()
    let loader = SpeechBatchLoader(featurizer: try LogMelFeaturizer(.quartzNet), sampleRate: 16000, specAugment: nil, labels: ["a"],
                                   durationReport: report)
    let seconds = Double(try loader.samples(of: ManifestEntry(audioFilepath: url.path, duration: 0, text: "ten")).count) / 16000
    // Within 0.5 s (or a tenth) of the audio: not reported.
    _ = try loader.samples(of: ManifestEntry(audioFilepath: url.path, duration: seconds + 0.3, text: "ten"))
    #expect(report.takeNew().isEmpty)
    // Listed 3 s longer than the file holds: reported with both lengths, then not again for the same file.
    _ = try loader.load([ManifestEntry(audioFilepath: url.path, duration: seconds + 3, text: "ten")], training: false, seed: 0)
    _ = try loader.samples(of: ManifestEntry(audioFilepath: url.path, duration: seconds + 3, text: "ten"))
    let found = report.takeNew()
    #expect(found == [DurationReport.Mismatch(path: url.path, listed: seconds + 3, actual: seconds)])
    #expect(report.takeNew().isEmpty)
    #expect(DurationReport.differs(listed: 20, actual: 17.5) && !DurationReport.differs(listed: 20, actual: 18.5))
    #expect(!DurationReport.differs(listed: 0, actual: 5), "a line without a duration says nothing to compare")
}
