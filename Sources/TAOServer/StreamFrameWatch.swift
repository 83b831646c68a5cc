import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Watches a stream's frames as they arrive, right after the frame decoder:
/// - a client's unmasked frame closes the WebSocket with 1002 and the reason, as RFC 6455 (section 5.1) requires of
///   a server; swift-websocket takes such frames as they come;
/// - a text frame `{"eof": true}` tells the connection's `ConnectionWatch` that the end of the client's input, which
///   may follow at once (a half-close), is not its leaving: the stream still owes it its final results (until the
///   client sends a close frame: then it is done waiting, and the end of its input is its leaving). Seen here,
///   in order with the bytes, it comes before that end, where the session may read it after. (Frames sent with the
///   handshake itself wait in NIO's HTTP decoder until the upgrade is done; `ConnectionWatch` holds an end of input
///   that follows them until they have passed.)
final class StreamFrameWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private var closing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let frame = unwrapInboundIn(data)
        guard frame.maskKey == nil else {
            let watch = { try? context.pipeline.syncOperations.handler(type: ConnectionWatch.self) }
            if frame.opcode == .text, frame.fin, Self.isEndOfStream(frame.unmaskedData) { watch()?.inputEndExpected = true }
            // A client that closes the WebSocket is done waiting: the end of its input is its leaving again.
            if frame.opcode == .connectionClose { watch()?.inputEndExpected = false }
            return context.fireChannelRead(data)
        }
        closing = true
        // As every failed stream ends: the JSON error as a text frame, then the close with its code and reason.
        let error = ServerError.invalidArgument("a client's frames must be masked (RFC 6455 section 5.1)")
        let message = context.channel.allocator.buffer(bytes: error.jsonBody)
        context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: message)), promise: nil)
        var reason = context.channel.allocator.buffer(capacity: 128)
        reason.write(webSocketErrorCode: .protocolError)
        reason.writeString(error.closeReason)
        let close = WebSocketFrame(fin: true, opcode: .connectionClose, data: reason)
        context.writeAndFlush(wrapOutboundOut(close)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// Whether a text message is the control message `{"eof": true}`.
    static func isEndOfStream(_ payload: ByteBuffer) -> Bool {
        guard payload.readableBytes < 256, let bytes = payload.getBytes(at: payload.readerIndex, length: payload.readableBytes),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return false }
        return (object["eof"] as? Bool) == true
    }

    /// Waits at the end of a new connection's pipeline, behind NIO's upgrade handler, for a WebSocket upgrade, and
    /// then puts a `StreamFrameWatch` right after the frame decoder the upgrade added. NIO announces the upgrade
    /// before it passes on the bytes that came after the handshake, so the guard sees the first frame. Leaves the
    /// pipeline at the upgrade or at the first request that is not one.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart  // never unwrapped: reads pass on as they came

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case HTTPServerUpgradeEvents.upgradeComplete = event {
                let operations = context.pipeline.syncOperations
                if let decoder = try? operations.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self) {
                    try? operations.addHandler(StreamFrameWatch(), position: .after(decoder))
                }
                context.fireUserInboundEventTriggered(event)
                upgradeDone(context)
                return operations.removeHandler(context: context, promise: nil)
            }
            context.fireUserInboundEventTriggered(event)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.fireChannelRead(data)
            upgradeDone(context)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }

        /// Tells the connection's watch that no upgrade is under way any more.
        private func upgradeDone(_ context: ChannelHandlerContext) {
            (try? context.pipeline.syncOperations.handler(type: ConnectionWatch.self))?.upgradeDone(on: context.eventLoop)
        }
    }
}
