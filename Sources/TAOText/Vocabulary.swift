import Foundation

/// A token list with ids: id = position in the list, as in a WordPiece `vocab.txt` (one token per line).
/// Tokens match byte for byte (UTF-8), not up to Unicode canonical equivalence as Swift strings compare,
/// so that `é` and `e` + U+0301 stay different tokens as in Hugging Face.
public struct Vocabulary: Sendable, Equatable {
    /// The tokens in id order.
    public let tokens: [String]
    private let idsByToken: [[UInt8]: Int]

    /// A vocabulary from tokens in id order; throws on an empty or repeated token.
    public init(tokens: [String], source: String = "vocabulary") throws {
        var ids: [[UInt8]: Int] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            if token.isEmpty {
                throw TextError.badVocabularyLine(path: source, line: id + 1, reason: "empty token")
            }
            let key = Array(token.utf8)
            if let first = ids[key] {
                throw TextError.badVocabularyLine(
                    path: source, line: id + 1, reason: "token '\(token)' repeats line \(first + 1)")
            }
            ids[key] = id
        }
        self.tokens = tokens
        self.idsByToken = ids
    }

    /// Reads a UTF-8 file holding one token per line (`\n` or `\r\n` endings; a final newline and a
    /// byte order mark are optional).
    /// Errors name the file and the line.
    public init(contentsOfFile path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TextError.unreadableFile(path: path, reason: "\(error.localizedDescription)")
        }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        if let first = lines.first, first.starts(with: [0xEF, 0xBB, 0xBF]) {  // a UTF-8 byte order mark
            lines[0] = first.dropFirst(3)
        }
        var tokens: [String] = []
        tokens.reserveCapacity(lines.count)
        for (index, var bytes) in lines.enumerated() {
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            guard let token = String(validating: bytes, as: UTF8.self) else {
                throw TextError.badVocabularyLine(path: path, line: index + 1, reason: "not valid UTF-8")
            }
            tokens.append(token)
        }
        if tokens.isEmpty {
            throw TextError.badVocabularyLine(path: path, line: 1, reason: "no tokens")
        }
        try self.init(tokens: tokens, source: path)
    }

    /// The number of tokens.
    public var count: Int { tokens.count }

    /// The id of `token`, or nil when the vocabulary does not hold it.
    public func id(of token: String) -> Int? { idsByToken[Array(token.utf8)] }

    /// The id of the token with these UTF-8 bytes, or nil.
    func id(utf8 bytes: [UInt8]) -> Int? { idsByToken[bytes] }

    /// The token with id `id`, or nil when `id` is out of range.
    public func token(for id: Int) -> String? { tokens.indices.contains(id) ? tokens[id] : nil }

    /// Whether the vocabulary holds `token`.
    public func contains(_ token: String) -> Bool { id(of: token) != nil }

    /// The id of a token the caller requires (e.g. `[UNK]`); throws `missingToken` when absent.
    public func requiredID(of token: String, vocabularyName: String = "vocabulary") throws -> Int {
        guard let id = id(of: token) else {
            throw TextError.missingToken(token: token, vocabulary: vocabularyName)
        }
        return id
    }

    /// A smaller vocabulary holding the tokens of `ids` (out-of-range ids are ignored) in their old order,
    /// and for each new id its old id: the rows to keep of an embedding matrix when a model's vocabulary
    /// is cut to what its text uses. Keep the special tokens, and the single characters and their `##`
    /// forms, so that words outside the kept text still split instead of becoming `[UNK]`.
    public func subset(keeping ids: Set<Int>) -> (vocabulary: Vocabulary, originalIDs: [Int]) {
        let kept = ids.filter(tokens.indices.contains).sorted()
        let vocabulary = Vocabulary(distinctTokens: kept.map { tokens[$0] })
        return (vocabulary, kept)
    }

    /// Tokens already known to be distinct and non-empty (a subset of a valid vocabulary).
    private init(distinctTokens tokens: [String]) {
        self.tokens = tokens
        self.idsByToken = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { (Array($1.utf8), $0) })
    }

    /// The ids of the single-character tokens and their continuation forms (`a`, `##a`), which let
    /// WordPiece split any word made of known characters.
    public func singleCharacterIDs(continuationPrefix: String = "##") -> Set<Int> {
        Set(tokens.indices.filter { id in
            let token = tokens[id]
            let bare = token.hasPrefix(continuationPrefix) ? token.dropFirst(continuationPrefix.count) : Substring(token)
            return bare.unicodeScalars.count == 1
        })
    }

    /// The file text: one token per line, each line ending in `\n`.
    public var fileText: String { tokens.map { $0 + "\n" }.joined() }

    /// Writes the vocabulary as one token per line.
    public func write(toFile path: String) throws {
        do {
            try Data(fileText.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw TextError.unreadableFile(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    public static func == (lhs: Vocabulary, rhs: Vocabulary) -> Bool {
        lhs.tokens.elementsEqual(rhs.tokens) { $0.utf8.elementsEqual($1.utf8) }
    }
}
