import Foundation
import Testing
@testable import TAODecoding

@Suite("ARPA files and queries")
struct ARPATests {
    static let atis: NGramModel? = try? ARPAReader.read(path: fixture("atis_o3.arpa"))

    @Test("KenLM's atis_o3.arpa loads with its declared n-gram counts")
    func loadsKenLMFile() throws {
        let model = try #require(Self.atis)
        #expect(model.order == 3)
        #expect(model.counts == [740, 6078, 14058])
        #expect(model.vocabulary.words[0] == "<unk>")
        let unk = try #require(model.entry(["<unk>"]))
        #expect(abs(unk.log10Prob - -3.8726523) < 1e-7)
    }

    @Test("per-word scores, n-gram lengths and OOV flags match KenLM's full_scores to 1e-4 (atis_o3)")
    func queriesMatchKenLM() throws {
        try expectQueriesMatch(try #require(Self.atis), lm: "atis_o3.arpa")
    }

    @Test("perplexities match KenLM's query -v summary to 1e-3 relative (atis_o3)")
    func perplexityMatchesKenLM() throws {
        try expectPerplexitiesMatch(try #require(Self.atis), lm: "atis_o3.arpa")
    }

    @Test("the stateful score(state, word) chain sums to the sentence score")
    func statefulScoringAgrees() throws {
        let model = try #require(Self.atis)
        let sentence = "show me flights from boston to denver on jane"
        var state = model.beginSentenceState
        var total = 0.0
        for word in sentence.split(separator: " ") {
            let (log10Prob, next) = model.score(state, model.id(word))
            total += Double(log10Prob)
            state = next
        }
        total += Double(model.score(state, model.sentenceEndID).log10Prob)
        #expect(abs(total - model.score(sentence)) < 1e-9)
        // after an unknown word the state is empty, as in KenLM
        #expect(model.score(model.beginSentenceState, model.id("jane")).state == model.nullState)
    }

    @Test("writing and re-reading an ARPA file keeps every n-gram, probability and backoff")
    func roundTrip() throws {
        let model = try #require(Self.atis)
        let again = try ARPAReader.read(text: ARPAWriter.text(model))
        #expect(again.counts == model.counts)
        var differences = 0
        model.forEachNGram { words, prob, backoff in
            let names = words.map { model.vocabulary.words[Int($0)] }
            guard let other = again.entry(names), other.log10Prob == prob, other.log10Backoff == backoff else { differences += 1; return }
        }
        #expect(differences == 0)
    }

    @Test("an SRILM-style file without <unk> gets one at id 0 with log10 prob -100")
    func srilmWithoutUnknown() throws {
        let text = "\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-99 <s> -0.3\n-0.5 a -0.2\n-0.4 </s>\n\n\\2-grams:\n-0.1 <s> a\n\n\\end\\\n"
        let model = try ARPAReader.read(text: text)
        #expect(model.vocabulary.words == ["<unk>", "<s>", "a", "</s>"])
        let scores = model.fullScores("a b")
        #expect(scores.map(\.ngramLength) == [2, 1, 1])
        #expect(abs(scores[0].log10Prob - -0.1) < 1e-6)
        #expect(abs(scores[1].log10Prob - (-100 - 0.2)) < 1e-4)
        #expect(scores[1].isOOV)
    }

    @Test("malformed ARPA files fail with the line number", arguments: [
        ("ngram 1=1\n", 1, "expected \\data\\"),
        ("\\data\\\nngram 1=2\n\n\\1-grams:\n-1 a\n\n\\end\\\n", 6, "has 1 lines, the header says 2"),
        ("\\data\\\nngram 1=1\n\n\\1-grams:\nx a\n\n\\end\\\n", 5, "'x' is not a number"),
        ("\\data\\\nngram 1=1\nngram 2=1\n\n\\1-grams:\n-1 a\n\n\\2-grams:\n-1 a b\n\n\\end\\\n", 9, "'b' is not in"),
        ("\\data\\\nngram 1=1\n\n\\1-grams:\n-1 a 0 7\n\n\\end\\\n", 5, "found 4 fields"),
        // Header counts past what the file holds (or past Int when multiplied by the order) are only a count mismatch.
        ("\\data\\\nngram 1=2\nngram 2=5000000000000000000\n\n\\1-grams:\n-1\t<s>\n-1\ta\n\n\\2-grams:\n-1\t<s> a\n\n\\end\\\n",
         11, "\\2-grams: has 1 lines, the header says 5000000000000000000"),
        ("\\data\\\nngram 1=100000000000\n\n\\1-grams:\n-1\t<s>\n\n\\end\\\n", 6, "has 1 lines, the header says 100000000000"),
        // Without sentence markers every score would start from nothing (KenLM refuses such a file too).
        ("\\data\\\nngram 1=2\n\n\\1-grams:\n-1\ta\n-1\tb\n\n\\end\\\n", 4, "\\1-grams: has no <s> and </s>"),
    ])
    func malformed(text: String, line: Int, reason: String) {
        do {
            _ = try ARPAReader.read(text: text, name: "bad.arpa")
            Issue.record("no error")
        } catch {
            guard case let .malformedARPA(file, errorLine, message) = error as? DecodingError else { Issue.record("\(error)"); return }
            #expect(file == "bad.arpa" && errorLine == line, "\(error)")
            #expect(message.contains(reason), "\(message)")
        }
    }

    @Test("invalid UTF-8 in the vocabulary is a clear error")
    func invalidUTF8() {
        var bytes = Array("\\data\\\nngram 1=1\n\n\\1-grams:\n-1 ".utf8) + [0xFF, 0xFE] + Array("\n\n\\end\\\n".utf8)
        bytes.append(contentsOf: [])
        #expect(throws: DecodingError.invalidUTF8(file: "x", line: 5)) { try ARPAReader.read(bytes: bytes, name: "x") }
    }
}
