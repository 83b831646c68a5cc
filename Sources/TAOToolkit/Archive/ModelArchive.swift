import Foundation

/// A `.tao` model file (DESIGN.md 5.3): a tar of `model_config.yaml` (the full spec), `model_weights.safetensors`
/// and the artifacts the model needs (labels, tokenizer files, an n-gram LM), optionally encrypted as a whole.
public struct ModelArchive: Sendable, Equatable {
    public static let configName = "model_config.yaml"
    public static let weightsName = "model_weights.safetensors"

    /// Members in the order they are written.
    public private(set) var members: [(name: String, data: Data)]

    public init(members: [(name: String, data: Data)] = []) { self.members = members }

    /// The member with this name, if any.
    public subscript(name: String) -> Data? {
        get { members.first { $0.name == name }?.data }
        set {
            if let index = members.firstIndex(where: { $0.name == name }) {
                if let newValue { members[index].data = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((name, newValue))
            }
        }
    }

    /// A member that must be there, or an error naming the archive and the member.
    public func required(_ name: String, archive path: String) throws -> Data {
        guard let data = self[name] else { throw ArchiveError.missingMember(path: path, member: name) }
        return data
    }

    /// Writes the archive atomically; with a key, encrypted (AES-256-GCM, PBKDF2-derived key).
    public func write(to url: URL, key: String? = nil) throws {
        var data = try Tar.archive(members)
        if let key, !key.isEmpty { data = try ArchiveCipher.encrypt(data, key: key) }
        try AtomicFile.write(data, to: url)
    }

    /// Writes an archive of `members` followed by a member copied from `file` in blocks (an ARPA file larger than
    /// memory), atomically and unencrypted.
    public static func write(_ members: [(name: String, data: Data)], fileMember: (name: String, url: URL), to url: URL) throws {
        let all: [(name: String, source: Tar.Source)] = members.map { ($0.name, .data($0.data)) } + [(fileMember.name, .file(fileMember.url))]
        try AtomicFile.write(to: url) { handle in try Tar.write(all) { try handle.write(contentsOf: $0) } }
    }

    /// Reads an archive; an encrypted one needs its key.
    public static func read(from url: URL, key: String? = nil) throws -> ModelArchive {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "not readable" : "no such file"
            throw ArchiveError.unreadable(path: url.path, reason: reason)
        }
        return try decode(data, path: url.path, key: key)
    }

    /// Decodes archive bytes (tar, or encrypted tar); `path` names the source in errors.
    public static func decode(_ data: Data, path: String, key: String? = nil) throws -> ModelArchive {
        var tar = data
        if ArchiveCipher.isEncrypted(data) {
            guard let key, !key.isEmpty else { throw ArchiveError.encryptedNeedsKey(path: path) }
            tar = try ArchiveCipher.decrypt(data, key: key, path: path)
        }
        return ModelArchive(members: try Tar.members(of: tar, file: path))
    }

    public static func == (lhs: ModelArchive, rhs: ModelArchive) -> Bool {
        lhs.members.map(\.name) == rhs.members.map(\.name) && lhs.members.map(\.data) == rhs.members.map(\.data)
    }
}
