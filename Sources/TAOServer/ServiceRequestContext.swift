import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of tao's routes: Hummingbird's WebSocket-capable context, plus the connection, so that a
/// route can tell when its client has gone.
public struct ServiceRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    /// The connection the request came on.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }

    /// When the client has gone (see `ConnectionWatch`).
    var clientGone: EventLoopFuture<Void> { ConnectionWatch.clientGone(on: channel) }
}
