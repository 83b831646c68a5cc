import Foundation

/// Writes ARPA files as KenLM's lmplz does: unigrams in vocabulary order, higher orders sorted by
/// word ids, a backoff on every n-gram below the highest order (0 included), none on the highest.
public enum ARPAWriter {
    /// Writes `model` to `path` as ARPA text.
    public static func write(_ model: NGramModel, to path: String) throws {
        try write(text(model), to: path)
    }

    /// The ARPA text of `model`.
    public static func text(_ model: NGramModel) -> String {
        text(vocabulary: model.vocabulary.words, lists: model.sortedLists())
    }

    static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw DecodingError.io(file: path, reason: "cannot write the file")
        }
    }

    static func text(vocabulary: [String], lists: [NGramList]) -> String {
        var out = "\\data\\\n"
        for list in lists { out += "ngram \(list.order)=\(list.count)\n" }
        for list in lists {
            let n = list.order
            out += "\n\\\(n)-grams:\n"
            for i in 0..<list.count {
                out += format(list.log10Probs[i])
                out += "\t"
                for k in 0..<n {
                    if k > 0 { out += " " }
                    out += vocabulary[Int(list.words[i * n + k])]
                }
                if n < lists.count {
                    out += "\t"
                    out += format(list.log10Backoffs[i])
                }
                out += "\n"
            }
        }
        out += "\n\\end\\\n"
        return out
    }

    /// Shortest round-trip decimal, "0" for zero (as KenLM prints it).
    static func format(_ value: Float) -> String {
        value == 0 ? "0" : "\(value)"
    }
}

extension NGramModel {
    /// The model's n-grams per order; higher orders sorted by word ids.
    func sortedLists() -> [NGramList] {
        var grouped = (1...order).map { _ in [(words: [UInt32], prob: Float, backoff: Float)]() }
        forEachNGram { words, prob, backoff in grouped[words.count - 1].append((words, prob, backoff)) }
        return grouped.enumerated().map { index, ngrams in
            var list = NGramList(order: index + 1)
            let sorted = index == 0 ? ngrams.sorted { $0.words[0] < $1.words[0] }
                                    : ngrams.sorted { $0.words.lexicographicallyPrecedes($1.words) }
            for ngram in sorted { list.append(ngram.words, log10Prob: ngram.prob, log10Backoff: ngram.backoff) }
            return list
        }
    }
}
