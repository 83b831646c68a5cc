import Testing
@testable import TAODecoding

@Test("WER counts substitutions, insertions and deletions over reference words")
func wordErrorRate() {
    var wer = ErrorRate()
    wer.addWords(hypothesis: "the cat sat on mat", reference: "the cat sat on the mat")   // 1 deletion
    wer.addWords(hypothesis: "a dog barked loudly", reference: "the dog barked")           // 1 substitution, 1 insertion
    #expect(wer.edits == 3)
    #expect(wer.referenceLength == 9)
    #expect(abs(wer.rate - 3.0 / 9.0) < 1e-12)
}

@Test("CER compares characters with spaces collapsed; empty input is rate 0")
func characterErrorRate() {
    var cer = ErrorRate()
    #expect(cer.rate == 0)
    cer.addCharacters(hypothesis: "helo  world", reference: "hello world")
    #expect(cer.edits == 1)
    #expect(cer.referenceLength == 11)
    #expect(ErrorRate.editDistance(Array("kitten"), Array("sitting")) == 3)
}
