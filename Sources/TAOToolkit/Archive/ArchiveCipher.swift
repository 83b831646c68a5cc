import Crypto
import _CryptoExtras
import Foundation

/// Whole-file encryption of `.tao` archives with a user's key (`-k`).
///
/// Layout: the magic `TAOCRYPT`, a format version byte (1), the PBKDF2 round count (UInt32 little-endian),
/// a 16-byte random salt, then AES-256-GCM's combined box (12-byte nonce, ciphertext, 16-byte tag).
/// The AES key is PBKDF2-HMAC-SHA256 of the user's key and the salt.
enum ArchiveCipher {
    static let magic = Data("TAOCRYPT".utf8)
    static let version: UInt8 = 1
    static let rounds: UInt32 = 210_000

    static func isEncrypted(_ data: Data) -> Bool { data.prefix(magic.count) == magic }

    static func encrypt(_ plain: Data, key: String) throws -> Data {
        var salt = Data(count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = UInt8.random(in: 0...255, using: &generator) }
        let symmetric = try deriveKey(key, salt: salt, rounds: rounds)
        guard let sealed = try AES.GCM.seal(plain, using: symmetric).combined else {
            throw ArchiveError.damaged(path: "", reason: "AES-GCM produced no output")
        }
        var output = magic
        output.append(version)
        withUnsafeBytes(of: rounds.littleEndian) { output.append(contentsOf: $0) }
        output.append(salt)
        output.append(sealed)
        return output
    }

    static func decrypt(_ data: Data, key: String, path: String) throws -> Data {
        let headerSize = magic.count + 1 + 4 + 16
        guard data.count > headerSize + 12 + 16 else { throw ArchiveError.damaged(path: path, reason: "encrypted file too short") }
        let bytes = [UInt8](data.prefix(headerSize))
        guard bytes[magic.count] == version else {
            throw ArchiveError.damaged(path: path, reason: "encryption format version \(bytes[magic.count]) (this tao reads version \(version))")
        }
        let rounds = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[magic.count + 1 + $1]) << (8 * UInt32($1)) }
        guard (100_000...50_000_000).contains(rounds) else {
            throw ArchiveError.damaged(path: path, reason: "implausible key-derivation round count \(rounds)")
        }
        let salt = Data(bytes[(magic.count + 5)..<headerSize])
        let symmetric = try deriveKey(key, salt: salt, rounds: rounds)
        do {
            let box = try AES.GCM.SealedBox(combined: data.dropFirst(headerSize))
            return try AES.GCM.open(box, using: symmetric)
        } catch {
            throw ArchiveError.wrongKey(path: path)
        }
    }

    private static func deriveKey(_ key: String, salt: Data, rounds: UInt32) throws -> SymmetricKey {
        try KDF.Insecure.PBKDF2.deriveKey(from: Data(key.utf8), salt: salt, using: .sha256, outputByteCount: 32,
                                          unsafeUncheckedRounds: Int(rounds))
    }
}
