import Foundation

/// Reading and writing the line-oriented text files of the NLP datasets, with errors that name the file and line.
public enum DataFile {
    /// The lines of a UTF-8 text file (a leading byte-order mark and `\r` line ends removed; no trailing empty
    /// line for a final newline). `expected` says what the file should hold, for the missing-file error.
    public static func lines(_ path: String, expected: String) throws -> [String] {
        let data = try contents(path, expected: expected)
        guard let text = String(data: data, encoding: .utf8) else {
            throw NLPDataError.badEncoding(path: path, line: firstBadUTF8Line(data))
        }
        return splitLines(text)
    }

    /// The text of a file that may be UTF-8 or, failing that, Latin-1 (as older corpora are). A file that mixes the
    /// two (UTF-8 sequences beside a stray byte) is an error naming the line, not a page of mojibake.
    static func textUTF8OrLatin1(_ path: String, expected: String) throws -> String {
        let data = try contents(path, expected: expected)
        if let text = String(data: data, encoding: .utf8) { return text }
        guard !containsUTF8Sequence(data), let text = String(data: data, encoding: .isoLatin1) else {
            throw NLPDataError.badEncoding(path: path, line: firstBadUTF8Line(data))
        }
        return text
    }

    /// The bytes of a file.
    static func contents(_ path: String, expected: String) throws -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw NLPDataError.missingFile(path: path, expected: expected)
        }
        guard !isFolder.boolValue else {
            throw NLPDataError.unreadableFile(path: path, reason: "a folder, not a file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NLPDataError.unreadableFile(path: path, reason: "permission denied or I/O error")
        }
        return data
    }

    /// Lines of `text`, without `\r` line ends, a byte-order mark, or the empty line after a final newline.
    static func splitLines(_ text: String) -> [String] {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        // `split` on Character would treat "\r\n" as one grapheme; work on scalars instead.
        var lines = body.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars in
            var line = String(String.UnicodeScalarView(scalars))
            if line.unicodeScalars.last == "\r" { line.unicodeScalars.removeLast() }
            return line
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Whether `data` holds a well-formed UTF-8 multi-byte sequence (a lead byte and its continuation bytes).
    static func containsUTF8Sequence(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xC2 && lead <= 0xDF ? 2 : 1
            if length > 1, index + length <= bytes.count, bytes[(index + 1)..<(index + length)].allSatisfy({ $0 & 0xC0 == 0x80 }) {
                return true
            }
            index += 1
        }
        return false
    }

    /// The 1-based line of the first byte sequence that is not UTF-8.
    static func firstBadUTF8Line(_ data: Data) -> Int {
        var line = 1
        for chunk in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if String(data: Data(chunk), encoding: .utf8) == nil { return line }
            line += 1
        }
        return line
    }

    /// Writes `lines` (each followed by a newline) to `path`, creating its folder.
    static func write(_ lines: [String], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let text = lines.map { $0 + "\n" }.joined()
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw NLPDataError.cannotWrite(path: path, reason: error.localizedDescription)
        }
    }

    /// `folder/name`.
    static func path(_ folder: String, _ name: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent(name).path
    }

    /// The lines of a words file and of its labels file, which go line by line together. Trailing blank lines are
    /// ignored; otherwise the counts must agree.
    static func pairedLines(text textPath: String, labels labelsPath: String, expectedLabels: String) throws
        -> [(text: String, labels: String)] {
        var text = try lines(textPath, expected: "a text file of space-separated words, one sentence per line")
        var labels = try lines(labelsPath, expected: expectedLabels)
        while text.last?.allSatisfy(\.isWhitespace) == true { text.removeLast() }
        while labels.last?.allSatisfy(\.isWhitespace) == true { labels.removeLast() }
        guard text.count == labels.count else {
            throw NLPDataError.lineCountMismatch(
                path: labelsPath, lines: labels.count, otherPath: textPath, otherLines: text.count)
        }
        return Array(zip(text, labels))
    }

    /// Whitespace-separated words of a line. The split is on whitespace scalars, not Characters: a space followed by
    /// a combining scalar (such as the variation selector U+FE0F that CoNLL data keeps as a token of its own after an
    /// emoji) is one Character, and would glue the two neighbouring words into one.
    public static func words(_ line: Substring) -> [String] {
        line.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace }).map { String(String.UnicodeScalarView($0)) }
    }

    /// Whitespace-separated words of a line (see `words(_:)` for Substring).
    public static func words(_ line: String) -> [String] { words(Substring(line)) }
}
