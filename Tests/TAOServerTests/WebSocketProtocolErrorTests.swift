import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import NIOWebSocket
import Testing
@testable import TAOServer

@Suite("A stream that breaks the WebSocket protocol is closed with the matching code, not 1000")
struct WebSocketProtocolErrorTests {
    /// A service whose streams take messages of at most 1000 bytes.
    let service = makeService { $0.maxMessageBytes = 1000 }

    /// The close code the server sends after the config message and then `frames`.
    func closeCode(after frames: [WebSocketFrame]) async throws -> WebSocketErrorCode? {
        try await service.makeApplication().test(.live) { client in
            let close = try await client.ws("/v1/asr:stream") { inbound, outbound, _ in
                try await outbound.write(.text(#"{"streaming_config": {"config": {"sample_rate_hertz": 16000}}}"#))
                for frame in frames { try await outbound.write(.custom(frame)) }
                for try await _ in inbound.messages(maxSize: 1 << 20) {}
            }
            return close?.closeCode
        }
    }

    @Test("a fragmented message over --max-message-bytes closes with 1009")
    func fragmentedTooLarge() async throws {
        let half = ByteBuffer(bytes: [UInt8](repeating: 0, count: 800))
        let code = try await closeCode(after: [WebSocketFrame(fin: false, opcode: .binary, data: half),
                                               WebSocketFrame(fin: true, opcode: .continuation, data: half)])
        #expect(code == .messageTooLarge)
    }

    @Test("a continuation frame with no message started closes with 1002")
    func strayContinuation() async throws {
        let code = try await closeCode(after: [WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer(string: "abc"))])
        #expect(code == .protocolError)
    }

    @Test("a text frame that is not UTF-8 closes with 1007")
    func invalidUTF8() async throws {
        let code = try await closeCode(after: [WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: Array(#"{"flush":"#.utf8) + [0xC3, 0x28, 0x7D]))])
        #expect(code == .dataInconsistentWithMessage)
    }

    @Test("an unmasked client frame closes the stream with 1002, also when it comes in one packet with the handshake")
    func unmaskedFrame() async throws {
        try await service.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let config = Array(#"{"streaming_config": {"config": {"sample_rate_hertz": 16000}}}"#.utf8)
            let unmasked = [0x81, UInt8(config.count)] + config  // FIN and text; the mask bit left out
            let (received, closed) = await readUntilClosed(port: port, streamHandshake + unmasked)
            #expect(String(decoding: received, as: UTF8.self).hasPrefix("HTTP/1.1 101"))
            #expect(closed, "the connection was still open 5 s after the unmasked frame")
            // The server's close frame: opcode 8 with FIN, a length, then the code 1002 (0x03EA) and the reason.
            let close = received.indices.first { received[$0] == 0x88 && $0 + 3 < received.count && received[$0 + 2] == 0x03 }
            let at = try #require(close, "no close frame in \(String(decoding: received, as: UTF8.self))")
            #expect(received[at + 3] == 0xEA)
            #expect(String(decoding: received[(at + 4)...], as: UTF8.self).contains("frames must be masked"))
        }
    }
}
