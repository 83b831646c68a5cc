import Foundation
import TAOText

/// How a speech model's transcripts become CTC targets: its character labels (speech_to_text), or a subword
/// tokenizer whose vocabulary is the labels (speech_to_text_citrinet's `model.tokenizer`, NeMo's keys):
/// - `bpe`: a SentencePiece `tokenizer.model` (as `create_tokenizer` with `tokenizer: spe` writes); labels are its
///   pieces in id order (`<unk>` first);
/// - `wpe`: a WordPiece `vocab.txt` (BERT's format, `create_tokenizer` with `tokenizer: wpe`); labels are its lines.
/// The CTC blank comes after the last label. A subword model's `.tao` carries the tokenizer files under `tokenizer/`.
struct SpeechTokenizer: Sendable {
    enum Kind: String, Sendable { case characters, bpe, wpe }

    let kind: Kind
    /// Output labels without the blank.
    let labels: [String]
    /// The tokenizer's files as a `.tao` carries them (member name -> bytes); empty for characters.
    let files: [(name: String, data: Data)]
    /// Where the tokenizer was read from (a folder, or an archive), for messages.
    let source: String
    private let encodeText: @Sendable (String) -> [Int]

    static let memberPrefix = "tokenizer/"
    private static let sentencePieceModel = "tokenizer.model"
    private static let vocabularyFile = "vocab.txt"

    /// The label ids of a transcript (characters without a label, or text a tokenizer cannot encode, are left out).
    func encode(_ text: String) -> [Int] { encodeText(text) }

    /// Character labels: each character of a transcript is the label spelled by it.
    static func characters(_ labels: [String]) -> SpeechTokenizer {
        var index: [Character: Int] = [:]
        for (id, label) in labels.enumerated() where label.count == 1 {
            if let character = label.first, index[character] == nil { index[character] = id }
        }
        let labelIndex = index
        return SpeechTokenizer(kind: .characters, labels: labels, files: [], source: "model.labels",
                               encodeText: { text in text.compactMap { labelIndex[$0] } })
    }

    /// The tokenizer in folder `dir` (`model.tokenizer.dir`) of `type` `bpe` or `wpe` (`model.tokenizer.type`).
    static func load(dir: String, type: String) throws -> SpeechTokenizer {
        guard let kind = Kind(rawValue: type), kind != .characters else {
            throw SpecError.invalid(path: "model.tokenizer.type", reason: "'\(type)' is not bpe (SentencePiece) or wpe (WordPiece)")
        }
        let folder = URL(fileURLWithPath: dir)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw TaskError.cannotRead(path: folder.path, reason: "no such folder (model.tokenizer.dir: give the folder create_tokenizer wrote)")
        }
        let required = kind == .bpe ? sentencePieceModel : vocabularyFile
        var files: [(name: String, data: Data)] = []
        for name in [sentencePieceModel, vocabularyFile, "tokenizer.vocab"] {
            let file = folder.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file.path) else {
                if name == required {
                    throw TaskError.cannotRead(path: file.path, reason: "no such file (model.tokenizer.type \(type) needs \(required) in model.tokenizer.dir)")
                }
                continue
            }
            files.append((memberPrefix + name, data))
        }
        return try make(kind, files: files, source: folder.path)
    }

    /// The tokenizer a subword model's archive carries, nil when it carries none (a character model).
    static func load(from archive: ModelArchive, type: String, name: String) throws -> SpeechTokenizer? {
        let files = archive.members.filter { $0.name.hasPrefix(memberPrefix) }
        if files.isEmpty { return nil }
        guard let kind = Kind(rawValue: type), kind != .characters else {
            throw SpecError.invalid(path: "model.tokenizer.type", reason: "\(name): '\(type)' is not bpe or wpe")
        }
        return try make(kind, files: files, source: name)
    }

    private static func make(_ kind: Kind, files: [(name: String, data: Data)], source: String) throws -> SpeechTokenizer {
        func member(_ file: String) throws -> Data {
            guard let data = files.first(where: { $0.name == memberPrefix + file })?.data else {
                throw ArchiveError.missingMember(path: source, member: memberPrefix + file)
            }
            return data
        }
        switch kind {
        case .bpe:
            // libsentencepiece reads models from files: a private copy is loaded, then removed.
            let temporary = TemporaryFiles.url("tokenizer", extension: "model")
            defer { try? FileManager.default.removeItem(at: temporary) }
            do { try member(sentencePieceModel).write(to: temporary) } catch let error as ArchiveError { throw error } catch {
                throw TaskError.cannotWrite(path: temporary.path, reason: error.localizedDescription)
            }
            let tokenizer: SentencePieceTokenizer
            do { tokenizer = try SentencePieceTokenizer(modelFile: temporary.path) } catch {
                throw TaskError.cannotRead(path: source + "/" + sentencePieceModel, reason: "not a SentencePiece model")
            }
            return SpeechTokenizer(kind: .bpe, labels: tokenizer.pieces, files: files, source: source,
                                   encodeText: { (try? tokenizer.encode($0)) ?? [] })
        case .wpe:
            let text = String(decoding: try member(vocabularyFile), as: UTF8.self)
            let tokens = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            let vocabulary = try Vocabulary(tokens: tokens.last == "" ? Array(tokens.dropLast()) : tokens, source: source + "/" + vocabularyFile)
            let tokenizer: BertTokenizer
            do { tokenizer = try BertTokenizer(vocabulary: vocabulary) } catch {
                throw TaskError.cannotRead(path: source + "/" + vocabularyFile,
                                           reason: "\(error) (a wpe tokenizer is a BERT vocab.txt with [PAD], [UNK], [CLS] and [SEP])")
            }
            return SpeechTokenizer(kind: .wpe, labels: vocabulary.tokens, files: files, source: source,
                                   encodeText: { tokenizer.pieces($0).map(\.id) })
        case .characters:
            preconditionFailure("character labels have no tokenizer files")
        }
    }
}
