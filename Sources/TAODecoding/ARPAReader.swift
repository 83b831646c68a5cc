import Foundation

/// Reads ARPA back-off language models (as KenLM's lmplz and SRILM's ngram-count write them):
/// a `\data\` header with `ngram N=count` lines, `\N-grams:` sections of
/// `log10prob <tab> w1 .. wN [<tab> log10backoff]` lines, and `\end\`.
public enum ARPAReader {
    /// Loads the ARPA file at `path`.
    public static func read(path: String) throws -> NGramModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DecodingError.io(file: path, reason: "cannot read the file")
        }
        return try read(bytes: [UInt8](data), name: path)
    }

    /// Parses ARPA text; `name` labels errors.
    public static func read(text: String, name: String = "<text>") throws -> NGramModel {
        try read(bytes: Array(text.utf8), name: name)
    }

    static func read(bytes: [UInt8], name: String) throws -> NGramModel {
        var bytes = bytes
        bytes.append(0)   // strtof stops at the terminator even on a last line without a newline
        return try bytes.withUnsafeBufferPointer { buffer in
            var parser = ARPAParser(buffer: buffer, name: name)
            return try parser.parse()
        }
    }
}

/// The line-by-line parser behind `ARPAReader`.
private struct ARPAParser {
    let buffer: UnsafeBufferPointer<UInt8>
    let name: String
    var position = 0
    var lineNumber = 0

    init(buffer: UnsafeBufferPointer<UInt8>, name: String) {
        self.buffer = buffer
        self.name = name
    }

    func failure(_ reason: String) -> DecodingError { .malformedARPA(file: name, line: lineNumber, reason: reason) }

    /// The next line's byte range without its line break, or nil at the end.
    mutating func nextLine() -> Range<Int>? {
        let end = buffer.count - 1
        guard position < end else { return nil }
        let start = position
        while position < end && buffer[position] != UInt8(ascii: "\n") { position += 1 }
        var stop = position
        if position < end { position += 1 }
        if stop > start && buffer[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
        lineNumber += 1
        return start..<stop
    }

    func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self) }

    func isBlank(_ range: Range<Int>) -> Bool { range.allSatisfy { buffer[$0] == 32 || buffer[$0] == 9 } }

    /// Whitespace-separated fields of a line.
    func fields(_ range: Range<Int>, into fields: inout [Range<Int>]) {
        fields.removeAll(keepingCapacity: true)
        var i = range.lowerBound
        while i < range.upperBound {
            while i < range.upperBound && (buffer[i] == 32 || buffer[i] == 9) { i += 1 }
            let start = i
            while i < range.upperBound && buffer[i] != 32 && buffer[i] != 9 { i += 1 }
            if i > start { fields.append(start..<i) }
        }
    }

    func float(_ range: Range<Int>) throws -> Float {
        let start = buffer.baseAddress! + range.lowerBound
        var end: UnsafeMutablePointer<CChar>? = nil
        let value: Float = start.withMemoryRebound(to: CChar.self, capacity: range.count) { strtof($0, &end) }
        let consumed = end.map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? 0
        guard consumed == range.count, value.isFinite || value == -Float.infinity else {
            throw failure("'\(text(range))' is not a number")
        }
        return value.isFinite ? value : -99
    }

    mutating func parse() throws -> NGramModel {
        var line: Range<Int>
        repeat {
            guard let next = nextLine() else { throw failure("no \\data\\ header") }
            line = next
        } while isBlank(line)
        guard text(line).trimmingCharacters(in: .whitespaces) == "\\data\\" else { throw failure("expected \\data\\") }
        var declared: [Int] = []
        while let next = nextLine(), !isBlank(next) {
            let header = text(next)
            guard header.hasPrefix("ngram "), let equals = header.firstIndex(of: "="),
                  let n = Int(header[header.index(header.startIndex, offsetBy: 6)..<equals].trimmingCharacters(in: .whitespaces)),
                  let count = Int(header[header.index(after: equals)...].trimmingCharacters(in: .whitespaces)),
                  n == declared.count + 1, count >= 0 else {
                throw failure("expected 'ngram \(declared.count + 1)=<count>', found '\(header)'")
            }
            declared.append(count)
        }
        guard !declared.isEmpty, declared.count <= NGramLayout.maxOrder else {
            throw failure("the header declares \(declared.count) orders (expected 1 to \(NGramLayout.maxOrder))")
        }
        var vocabulary: [String] = []
        var ids: [String: UInt32] = [:]
        var lists: [NGramList] = []
        var sectionStarts: [Int] = []
        var fields: [Range<Int>] = []
        for n in 1...declared.count {
            repeat {
                guard let next = nextLine() else { throw failure("missing \\\(n)-grams: section") }
                line = next
            } while isBlank(line)
            guard text(line).trimmingCharacters(in: .whitespaces) == "\\\(n)-grams:" else {
                throw failure("expected \\\(n)-grams:, found '\(text(line))'")
            }
            var list = NGramList(order: n)
            // An n-gram line takes at least 2n + 2 bytes (n + 1 one-byte fields, their separators, the line break), so the
            // rest of the file bounds the reservation whatever the header claims; a wrong count is reported below.
            list.words.reserveCapacity(min(declared[n - 1], (buffer.count - position) / (2 * n + 2)) * n)
            sectionStarts.append(lineNumber + 1)
            var words = [UInt32](repeating: 0, count: n)
            while let next = nextLine(), !isBlank(next) {
                if buffer[next.lowerBound] == UInt8(ascii: "\\") { throw failure("\\\(n)-grams: has \(list.count) lines, the header says \(declared[n - 1])") }
                self.fields(next, into: &fields)
                guard fields.count == n + 1 || fields.count == n + 2 else {
                    throw failure("expected a log10 probability, \(n) word\(n == 1 ? "" : "s") and an optional backoff, found \(fields.count) fields")
                }
                let prob = try float(fields[0])
                let backoff = fields.count == n + 2 ? try float(fields[n + 1]) : 0
                for k in 0..<n {
                    let range = fields[k + 1]
                    if n == 1 {
                        guard let word = String(validating: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self) else {
                            throw DecodingError.invalidUTF8(file: name, line: lineNumber)
                        }
                        guard ids[word] == nil else { throw failure("the word '\(word)' is listed twice") }
                        ids[word] = UInt32(vocabulary.count)
                        vocabulary.append(word)
                        words[0] = UInt32(vocabulary.count - 1)
                    } else {
                        guard let id = ids[text(range)] else { throw failure("'\(text(range))' is not in \\1-grams:") }
                        words[k] = id
                    }
                }
                list.append(words, log10Prob: prob, log10Backoff: backoff)
            }
            guard list.count == declared[n - 1] else {
                throw failure("\\\(n)-grams: has \(list.count) lines, the header says \(declared[n - 1])")
            }
            lists.append(list)
        }
        repeat {
            guard let next = nextLine() else { throw failure("missing \\end\\") }
            line = next
        } while isBlank(line)
        guard text(line).trimmingCharacters(in: .whitespaces) == "\\end\\" else { throw failure("expected \\end\\, found '\(text(line))'") }
        // Scoring starts every sentence at <s> and ends it with </s>; KenLM refuses a model without them too.
        let missing = ["<s>", "</s>"].filter { ids[$0] == nil }
        if !missing.isEmpty {
            lineNumber = sectionStarts[0] - 1
            throw failure("\\1-grams: has no \(missing.joined(separator: " and ")) (an ARPA model needs both sentence markers)")
        }

        let (words, reordered) = Self.unknownFirst(vocabulary, lists)
        do {
            return try NGramModelBuilder.build(vocabulary: words, lists: reordered)
        } catch let error as NGramModelBuilder.Failure {
            switch error {
            case let .duplicate(order, index):
                lineNumber = sectionStarts[order - 1] + index
                throw failure("this \(order)-gram is listed twice")
            case let .missingContext(order, index):
                lineNumber = sectionStarts[order - 1] + index
                throw failure("this \(order)-gram's first \(order - 1) words are not in \\\(order - 1)-grams:")
            }
        } catch {
            throw error
        }
    }

    /// Renumbers the words so `<unk>` is id 0, adding it (log10 prob -100, as KenLM does) when missing.
    static func unknownFirst(_ vocabulary: [String], _ lists: [NGramList]) -> ([String], [NGramList]) {
        if vocabulary.first == NGramVocabulary.unknown { return (vocabulary, lists) }
        var lists = lists
        guard let unknown = vocabulary.firstIndex(of: NGramVocabulary.unknown) else {
            // shift every id by one and put <unk> in front
            for n in lists.indices { lists[n].words = lists[n].words.map { $0 + 1 } }
            lists[0].words.insert(0, at: 0)
            lists[0].log10Probs.insert(-100, at: 0)
            lists[0].log10Backoffs.insert(0, at: 0)
            for i in lists[0].words.indices { lists[0].words[i] = UInt32(i) }
            return ([NGramVocabulary.unknown] + vocabulary, lists)
        }
        // swap <unk> with word 0
        let u = UInt32(unknown)
        for n in lists.indices { lists[n].words = lists[n].words.map { $0 == u ? 0 : ($0 == 0 ? u : $0) } }
        lists[0].words.swapAt(0, unknown)
        lists[0].log10Probs.swapAt(0, unknown)
        lists[0].log10Backoffs.swapAt(0, unknown)
        var words = vocabulary
        words.swapAt(0, unknown)
        return (words, lists)
    }
}
