import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Closes a WebSocket whose client sends an unmasked frame, with 1002 and the reason, as RFC 6455 (section 5.1)
/// requires of a server; swift-websocket takes such frames as they come. Sits right after the frame decoder.
final class UnmaskedFrameGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private var closing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        guard unwrapInboundIn(data).maskKey == nil else { return context.fireChannelRead(data) }
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

    /// Waits at the end of a new connection's pipeline, behind NIO's upgrade handler, for a WebSocket upgrade, and
    /// then puts an `UnmaskedFrameGuard` right after the frame decoder the upgrade added. NIO announces the upgrade
    /// before it passes on the bytes that came after the handshake, so the guard sees the first frame. Leaves the
    /// pipeline at the upgrade or at the first request that is not one.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart  // never unwrapped: reads pass on as they came

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case HTTPServerUpgradeEvents.upgradeComplete = event {
                let operations = context.pipeline.syncOperations
                if let decoder = try? operations.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self) {
                    try? operations.addHandler(UnmaskedFrameGuard(), position: .after(decoder))
                }
                context.fireUserInboundEventTriggered(event)
                return operations.removeHandler(context: context, promise: nil)
            }
            context.fireUserInboundEventTriggered(event)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}
