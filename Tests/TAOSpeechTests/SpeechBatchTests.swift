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
    #expect([1e300, -1e300, .infinity, -.infinity, .nan, 0.25].map { loader.sampleCount(ofSeconds: $0, atMost: 10_000) }
            == [10_000, 0, 10_000, 0, 0, 4000])
}
