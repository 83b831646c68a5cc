import Foundation

/// Writes ARPA files as KenLM's lmplz does: unigrams in vocabulary order, higher orders sorted by
/// word ids, a backoff on every n-gram below the highest order (0 included), none on the highest.
public enum ARPAWriter {
    /// Writes `model` to `path` as ARPA text.
    public static func write(_ model: NGramModel, to path: String) throws {
        try write(vocabulary: model.vocabulary.words, lists: model.sortedLists(), to: path)
    }

    /// The ARPA text of `model`.
    public static func text(_ model: NGramModel) -> String {
        String(decoding: bytes(vocabulary: model.vocabulary.words, lists: model.sortedLists()), as: UTF8.self)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw DecodingError.io(file: path, reason: "cannot write the file")
        }
    }

    static func text(vocabulary: [String], lists: [NGramList]) -> String {
        String(decoding: bytes(vocabulary: vocabulary, lists: lists), as: UTF8.self)
    }

    /// Streams the ARPA text to `path` in blocks, so memory does not grow with the file.
    static func write(vocabulary: [String], lists: [NGramList], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw DecodingError.io(file: path, reason: "cannot write the file")
        }
        defer { try? handle.close() }
        var failed = false
        bytes(vocabulary: vocabulary, lists: lists, blockSize: 1 << 20) { block in
            guard !failed else { return }
            do { try handle.write(contentsOf: Data(block)) } catch { failed = true }
        }
        if failed { throw DecodingError.io(file: path, reason: "cannot write the file (disk full?)") }
    }

    /// The ARPA file's bytes in one buffer.
    static func bytes(vocabulary: [String], lists: [NGramList]) -> [UInt8] {
        var all: [UInt8] = []
        bytes(vocabulary: vocabulary, lists: lists, blockSize: Int.max) { all.append(contentsOf: $0) }
        return all
    }

    /// Produces the ARPA text in blocks of about `blockSize` bytes (millions of lines).
    static func bytes(vocabulary: [String], lists: [NGramList], blockSize: Int, _ emit: ([UInt8]) -> Void) {
        let words = vocabulary.map { Array($0.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(min(blockSize, lists.reduce(0) { $0 + $1.count * (12 + 8 * $1.order) }) + 1024)
        out.append(contentsOf: "\\data\\\n".utf8)
        for list in lists { out.append(contentsOf: "ngram \(list.order)=\(list.count)\n".utf8) }
        for list in lists {
            let n = list.order
            out.append(contentsOf: "\n\\\(n)-grams:\n".utf8)
            for i in 0..<list.count {
                append(list.log10Probs[i], to: &out)
                out.append(9)
                for k in 0..<n {
                    if k > 0 { out.append(32) }
                    out.append(contentsOf: words[Int(list.words[i * n + k])])
                }
                if n < lists.count {
                    out.append(9)
                    append(list.log10Backoffs[i], to: &out)
                }
                out.append(10)
                if out.count >= blockSize {
                    emit(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
        }
        out.append(contentsOf: "\n\\end\\\n".utf8)
        emit(out)
    }

    @inline(__always)
    static func append(_ value: Float, to out: inout [UInt8]) {
        if value == 0 { out.append(UInt8(ascii: "0")); return }
        var text = value.description
        text.withUTF8 { out.append(contentsOf: $0) }
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
