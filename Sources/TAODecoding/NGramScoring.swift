import Foundation

/// Perplexity of a text under a model, as KenLM's `query -v summary` reports it.
public struct Perplexity: Equatable, Sendable {
    /// Sum of log10 probabilities of all tokens (words and one `</s>` per sentence).
    public var log10Total: Double
    /// Sum over tokens that are not OOV.
    public var log10TotalExcludingOOV: Double
    /// Tokens scored, `</s>` included.
    public var tokenCount: Int
    /// Tokens not in the vocabulary.
    public var oovCount: Int

    /// 10^(-log10Total / tokens).
    public var includingOOV: Double { pow10(-log10Total / Double(tokenCount)) }
    /// 10^(-log10TotalExcludingOOV / (tokens - OOV)).
    public var excludingOOV: Double { pow10(-log10TotalExcludingOOV / Double(tokenCount - oovCount)) }
    /// OOV tokens per token.
    public var oovRate: Double { Double(oovCount) / Double(max(tokenCount, 1)) }

    private func pow10(_ x: Double) -> Double { exp(x * 2.302585092994046) }
}

extension NGramModel {
    /// The word ids of a whitespace-separated sentence (unknown words map to 0).
    public func ids(_ sentence: String) -> [UInt32] {
        var sentence = sentence
        var ids: [UInt32] = []
        sentence.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                while i < bytes.count && NGramCorpus.isSpace(bytes[i]) { i += 1 }
                let start = i
                while i < bytes.count && !NGramCorpus.isSpace(bytes[i]) { i += 1 }
                if i > start { ids.append(vocabulary.id(utf8: UnsafeBufferPointer(rebasing: bytes[start..<i]))) }
            }
        }
        return ids
    }

    /// The words of a sentence as `ids` and `fullScores` split it: at runs of ASCII whitespace.
    public static func words(_ sentence: String) -> [String] {
        sentence.split { $0.unicodeScalars.allSatisfy { $0.isASCII && NGramCorpus.isSpace(UInt8($0.value)) } }.map(String.init)
    }

    /// Per-token scores of a whitespace-separated sentence: one per word, plus `</s>` when `eos`.
    public func fullScores(_ sentence: String, bos: Bool = true, eos: Bool = true) -> [WordScore] {
        var state = bos ? beginSentenceState : nullState
        var scores: [WordScore] = []
        var words = ids(sentence)
        if eos { words.append(sentenceEndID) }
        for word in words {
            let (score, next) = fullScore(state, word)
            scores.append(score)
            state = next
        }
        return scores
    }

    /// log10 P(sentence), summed in Float64; `bos` starts after `<s>`, `eos` adds `</s>`.
    public func score(_ sentence: String, bos: Bool = true, eos: Bool = true) -> Double {
        score(ids: ids(sentence), bos: bos, eos: eos)
    }

    /// log10 P of a sentence given as word ids.
    public func score(ids words: [UInt32], bos: Bool = true, eos: Bool = true) -> Double {
        var state = bos ? beginSentenceState : nullState
        var total = 0.0
        for word in words {
            let (log10Prob, next) = score(state, word)
            total += Double(log10Prob)
            state = next
        }
        if eos { total += Double(score(state, sentenceEndID).log10Prob) }
        return total
    }

    /// Perplexity over sentences, each scored with `<s>` and `</s>`.
    public func perplexity(_ sentences: some Sequence<String>) -> Perplexity {
        var result = Perplexity(log10Total: 0, log10TotalExcludingOOV: 0, tokenCount: 0, oovCount: 0)
        for sentence in sentences {
            for score in fullScores(sentence) {
                result.log10Total += Double(score.log10Prob)
                result.tokenCount += 1
                if score.isOOV { result.oovCount += 1 } else { result.log10TotalExcludingOOV += Double(score.log10Prob) }
            }
        }
        return result
    }
}
