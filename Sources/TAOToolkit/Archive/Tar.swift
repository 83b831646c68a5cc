import Foundation

/// Reading and writing POSIX ustar archives: the container of a `.tao` model.
///
/// Layout: each member is a 512-byte header (name, mode, size in octal, checksum, `ustar\0` magic, a name
/// prefix for long paths) followed by its data padded to 512 bytes; two zero blocks end the archive.
enum Tar {
    static let blockSize = 512

    /// Where a member's bytes come from when an archive is written.
    enum Source {
        case data(Data)
        /// A file copied in blocks, so that memory does not grow with its size.
        case file(URL)
    }

    /// An archive holding `members` in order; names up to 255 bytes (split into prefix/name at a '/').
    static func archive(_ members: [(name: String, data: Data)], modificationTime: Date = Date()) throws -> Data {
        var output = Data()
        try write(members.map { ($0.name, .data($0.data)) }, modificationTime: modificationTime) { output.append($0) }
        return output
    }

    /// Produces the archive of `members` piece by piece, handing each piece to `sink`.
    static func write(_ members: [(name: String, source: Source)], modificationTime: Date = Date(), to sink: (Data) throws -> Void) throws {
        func append(_ name: String, _ source: Source, type: Character = "0") throws {
            switch source {
            case let .data(body):
                try sink(header(name: name, size: body.count, time: modificationTime, type: type))
                try sink(body)
                try sink(Data(count: (blockSize - body.count % blockSize) % blockSize))
            case let .file(url):
                guard let handle = try? FileHandle(forReadingFrom: url),
                      let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int else {
                    throw ArchiveError.unreadable(path: url.path, reason: "not readable")
                }
                defer { try? handle.close() }
                try sink(header(name: name, size: size, time: modificationTime, type: type))
                var copied = 0
                while copied < size, let block = try handle.read(upToCount: min(1 << 20, size - copied)), !block.isEmpty {
                    try sink(block)
                    copied += block.count
                }
                guard copied == size else { throw ArchiveError.unreadable(path: url.path, reason: "changed while it was archived") }
                try sink(Data(count: (blockSize - size % blockSize) % blockSize))
            }
        }
        for member in members {
            guard !member.name.isEmpty, member.name.utf8.count < 4096 else { throw ArchiveError.nameTooLong(member.name) }
            if splitName(member.name) == nil {
                // GNU long name: a member named ././@LongLink of type L whose body is the real name.
                try append("././@LongLink", .data(Data(member.name.utf8) + Data([0])), type: "L")
                try append(String(decoding: member.name.utf8.suffix(100), as: UTF8.self), member.source)
            } else {
                try append(member.name, member.source)
            }
        }
        try sink(Data(count: 2 * blockSize))
    }

    /// The regular files of an archive, in order. Other member kinds (folders, links) are skipped.
    static func members(of data: Data, file: String) throws -> [(name: String, data: Data)] {
        var members: [(name: String, data: Data)] = []
        var offset = 0
        var longName: String?
        while offset + blockSize <= data.count {
            let header = data.subdata(in: offset..<offset + blockSize)
            if header.allSatisfy({ $0 == 0 }) { return members }
            guard checksum(of: header) == octal(header, 148, 8) else {
                throw ArchiveError.damaged(path: file, reason: "tar header checksum mismatch at byte \(offset)")
            }
            guard let size = octal(header, 124, 12) else {
                throw ArchiveError.damaged(path: file, reason: "unreadable member size at byte \(offset) (expected octal digits)")
            }
            let start = offset + blockSize
            guard size <= data.count - start else {
                throw ArchiveError.damaged(path: file, reason: "truncated: a member needs \(size) bytes past byte \(start)")
            }
            let body = data.subdata(in: start..<start + size)
            let type = header[header.startIndex + 156]
            var name = string(header, 0, 100)
            let prefix = string(header, 345, 155)
            if !prefix.isEmpty { name = prefix + "/" + name }
            if let long = longName { name = long; longName = nil }
            switch type {
            case UInt8(ascii: "0"), 0:
                members.append((name, body))
            case UInt8(ascii: "L"):  // GNU long name: the next member's name is this body.
                longName = String(decoding: body.prefix { $0 != 0 }, as: UTF8.self)
            default:
                break
            }
            offset = start + (size + blockSize - 1) / blockSize * blockSize
        }
        throw ArchiveError.damaged(path: file, reason: "truncated: no end-of-archive marker")
    }

    /// A name as ustar's (prefix, name) fields, or nil when it does not fit them.
    private static func splitName(_ name: String) -> (prefix: [UInt8], name: [UInt8])? {
        let bytes = Array(name.utf8)
        if bytes.count <= 100 { return ([], bytes) }
        guard let split = bytes.indices.last(where: { bytes[$0] == UInt8(ascii: "/") && $0 <= 155 && bytes.count - $0 - 1 <= 100 }) else {
            return nil
        }
        return (Array(bytes[..<split]), Array(bytes[(split + 1)...]))
    }

    private static func header(name: String, size: Int, time: Date, type: Character = "0") -> Data {
        var block = [UInt8](repeating: 0, count: blockSize)
        let (prefixPart, namePart) = splitName(name) ?? ([], Array(name.utf8.prefix(100)))
        func put(_ value: [UInt8], at offset: Int) { for (i, byte) in value.enumerated() { block[offset + i] = byte } }
        func putOctal(_ value: Int, at offset: Int, width: Int) {
            put(Array(String(value, radix: 8).leftPadded(to: width - 1).utf8), at: offset)
        }
        put(namePart, at: 0)
        putOctal(0o644, at: 100, width: 8)
        putOctal(0, at: 108, width: 8)
        putOctal(0, at: 116, width: 8)
        putOctal(size, at: 124, width: 12)
        putOctal(Int(time.timeIntervalSince1970), at: 136, width: 12)
        block[156] = type.asciiValue ?? UInt8(ascii: "0")
        put(Array("ustar\u{0}00".utf8), at: 257)
        put(prefixPart, at: 345)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        let sum = block.reduce(0) { $0 + Int($1) }
        put(Array(String(sum, radix: 8).leftPadded(to: 6).utf8) + [0, UInt8(ascii: " ")], at: 148)
        return Data(block)
    }

    /// The header checksum: the byte sum with the checksum field read as spaces.
    private static func checksum(of header: Data) -> Int {
        header.enumerated().reduce(0) { sum, element in
            sum + ((148..<156).contains(element.offset) ? 32 : Int(element.element))
        }
    }

    /// A numeric field: octal digits only, so a sign ("-1") or junk is nil rather than a negative size.
    private static func octal(_ header: Data, _ offset: Int, _ width: Int) -> Int? {
        let text = string(header, offset, width).trimmingCharacters(in: .whitespaces)
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) }) else { return nil }
        return text.isEmpty ? 0 : Int(text, radix: 8)
    }

    private static func string(_ header: Data, _ offset: Int, _ width: Int) -> String {
        let start = header.startIndex + offset
        let field = header[start..<start + width]
        return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
