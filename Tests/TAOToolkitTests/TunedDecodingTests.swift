import Foundation
import Testing
@testable import TAOToolkit

@Suite("tuned decoding settings") struct TunedDecodingTests {
    @Test("settings written into an archive read back equal, under snake_case keys")
    func roundTrip() throws {
        let tuned = TunedDecoding(alpha: 0.6, beta: 0, tokenMinLogp: -8)
        var archive = ModelArchive()
        archive[TunedDecoding.member] = try tuned.encoded()
        #expect(try TunedDecoding.read(from: archive, name: "m.tao") == tuned)
        #expect(String(decoding: try tuned.encoded(), as: UTF8.self).contains("\"token_min_logp\""))
        #expect(try TunedDecoding.read(from: ModelArchive(), name: "m.tao") == nil)
    }

    @Test("a malformed member is an error naming the archive and the member, not a crash")
    func malformedMember() {
        var archive = ModelArchive()
        archive[TunedDecoding.member] = Data("{\"alpha\": \"high\"}".utf8)
        #expect {
            try TunedDecoding.read(from: archive, name: "m.tao")
        } throws: { error in
            "\(error)".contains("m.tao") && "\(error)".contains(TunedDecoding.member)
        }
    }

    @Test("a spec's values win over the model's tuned ones, which win over the standard ones")
    func precedence() {
        let tuned = TunedDecoding(alpha: 0.6, beta: 0, tokenMinLogp: -8)
        #expect(tuned.replacing(alpha: 2, beta: nil, tokenMinLogp: nil) == TunedDecoding(alpha: 2, beta: 0, tokenMinLogp: -8))
        #expect(TunedDecoding.standard.replacing(alpha: nil, beta: nil, tokenMinLogp: -7)
            == TunedDecoding(alpha: 0.5, beta: 1.0, tokenMinLogp: -7))
    }
}

@Test("hotwords a character model can never emit, and empty ones, are named for a warning; a subword model's are not checked")
func unusableHotwordsAreNamed() {
    let characters = SpeechSections.englishLabels
    #expect(TranscriptDecoder.unusableHotwords(["clubs", "ten of clubs"], labels: characters).isEmpty)
    #expect(TranscriptDecoder.unusableHotwords(["Boston", " "], labels: characters)
            == ["'Boston' has characters the model never emits (B), so it can never be recognized", "an empty hotword is ignored"])
    #expect(TranscriptDecoder.unusableHotwords(["Boston"], labels: ["▁bo", "ston", "s"]).isEmpty)
}
