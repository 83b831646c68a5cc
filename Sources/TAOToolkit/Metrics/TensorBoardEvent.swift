/// TensorBoard's `Event` protocol buffer (tensorboard/compat/proto/event.proto), encoded by hand for the two
/// kinds tao writes: the file-version header and scalar summaries. Fields follow proto3 rules as the Python
/// encoder applies them: in field-number order, zero scalars omitted except inside a oneof.
public enum TensorBoardEvent {
    /// The version string every event file starts with.
    public static let fileVersion = "brain.Event:2"

    /// `Event{wall_time, file_version}`: the first record of an event file. `wallTime` in seconds since 1970.
    public static func header(wallTime: Double) -> [UInt8] {
        var event = ProtobufBytes()
        event.double(field: 1, wallTime)
        event.string(field: 3, fileVersion)
        return event.bytes
    }

    /// `Event{wall_time, step, summary{value{tag, simple_value}...}}`: scalars at one step.
    public static func scalars(_ values: [(tag: String, value: Float)], step: Int64, wallTime: Double) -> [UInt8] {
        var summary = ProtobufBytes()
        for (tag, value) in values {
            var entry = ProtobufBytes()
            entry.string(field: 1, tag)
            entry.float(field: 2, value, always: true) // simple_value is in a oneof: written even when 0
            summary.message(field: 1, entry)
        }
        var event = ProtobufBytes()
        event.double(field: 1, wallTime)
        event.int64(field: 2, step)
        event.message(field: 5, summary)
        return event.bytes
    }
}

/// A minimal protocol-buffer writer: varints, 64- and 32-bit fixed fields, length-delimited fields.
struct ProtobufBytes {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Field key: field number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
    mutating func key(field: Int, wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    mutating func double(field: Int, _ value: Double, always: Bool = false) {
        guard always || value.bitPattern != 0 else { return }
        key(field: field, wireType: 1)
        bytes += TFRecord.littleEndianBytes(value.bitPattern)
    }

    mutating func float(field: Int, _ value: Float, always: Bool = false) {
        guard always || value.bitPattern != 0 else { return }
        key(field: field, wireType: 5)
        bytes += TFRecord.littleEndianBytes(value.bitPattern)
    }

    /// int64 as a varint: negative values take ten bytes (two's complement), as protobuf specifies.
    mutating func int64(field: Int, _ value: Int64) {
        guard value != 0 else { return }
        key(field: field, wireType: 0)
        varint(UInt64(bitPattern: value))
    }

    mutating func string(field: Int, _ value: String) {
        guard !value.isEmpty else { return }
        key(field: field, wireType: 2)
        varint(UInt64(value.utf8.count))
        bytes += value.utf8
    }

    mutating func message(field: Int, _ value: ProtobufBytes) {
        key(field: field, wireType: 2)
        varint(UInt64(value.bytes.count))
        bytes += value.bytes
    }
}
