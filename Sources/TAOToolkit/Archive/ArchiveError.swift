/// Problems reading or writing a `.tao` model archive.
public enum ArchiveError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case damaged(path: String, reason: String)
    case encryptedNeedsKey(path: String)
    case wrongKey(path: String)
    case missingMember(path: String, member: String)
    case nameTooLong(String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "\(path): cannot read the model archive: \(reason)"
        case let .damaged(path, reason): "\(path): not a valid .tao archive: \(reason)"
        case let .encryptedNeedsKey(path): "\(path): the archive is encrypted (give its key with -k KEY or TAO_KEY)"
        case let .wrongKey(path): "\(path): cannot decrypt: the key is wrong or the file is damaged (check -k)"
        case let .missingMember(path, member): "\(path): the archive has no \(member) (was it written by tao export or train?)"
        case let .nameTooLong(name): "'\(name)': file name too long for a tar archive (at most 255 bytes)"
        }
    }
}
