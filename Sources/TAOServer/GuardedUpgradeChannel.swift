import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1.1 + WebSocket-upgrade child channel with tao's guards: a `ConnectionWatch` at the front, an
/// `HTTPConnectionGuard` after the request decoder and, if the connection is upgraded, a `StreamFrameWatch` after
/// the frame decoder. A connection over `connections`' limit is answered 503 by the guard and closed.
struct GuardedUpgradeChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let base: HTTP1WebSocketUpgradeChannel
    let headTimeout: Double
    let webSocketPaths: Set<String>
    let connections: ConnectionLimit
    let onRefusal: @Sendable (ServerError) -> Void

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = connections.admit()
        if admitted { channel.closeFuture.whenComplete { [connections] _ in connections.release() } }
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let guarding = HTTPConnectionGuard(timeout: headTimeout, webSocketPaths: webSocketPaths,
                                               overCapacity: admitted ? nil : connections.refusal, onRefusal: onRefusal)
            try operations.addHandler(guarding, position: .after(decoder))
            try operations.addHandler(ConnectionWatch(eventLoop: channel.eventLoop), position: .first)
            try operations.addHandler(StreamFrameWatch.Installer(), position: .last)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async { await base.handle(value: value, logger: logger) }
}
