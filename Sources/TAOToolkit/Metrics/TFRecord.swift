/// TFRecord framing, as TensorFlow and TensorBoard read event files:
/// `uint64 length (little endian) | uint32 masked CRC-32C of the length bytes | data | uint32 masked CRC-32C of data`.
public enum TFRecord {
    /// The framed bytes of one record.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        let length = littleEndianBytes(UInt64(data.count))
        var record = length
        record.reserveCapacity(data.count + 16)
        record += littleEndianBytes(CRC32C.masked(length))
        record += data
        record += littleEndianBytes(CRC32C.masked(data))
        return record
    }

    /// Splits framed bytes back into records, checking both CRCs; nil if the bytes are not well-formed records.
    public static func records(in bytes: [UInt8]) -> [[UInt8]]? {
        var records: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 16 else { return nil }
            let lengthBytes = Array(bytes[offset ..< offset + 8])
            let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard readUInt32(bytes, at: offset + 8) == CRC32C.masked(lengthBytes),
                  length <= UInt64(bytes.count - offset - 16) else { return nil }
            let start = offset + 12, end = start + Int(length)
            let data = Array(bytes[start ..< end])
            guard readUInt32(bytes, at: end) == CRC32C.masked(data) else { return nil }
            records.append(data)
            offset = end + 4
        }
        return records
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0 ..< T.bitWidth / 8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0 ..< 4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << ($1 * 8) }
    }
}
