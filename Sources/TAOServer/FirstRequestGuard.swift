import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// Watches a connection until its first request head has arrived, a gap Hummingbird's WebSocket-upgrade pipeline
/// leaves open: its idle timer and its parse-error answer start only after a first request has been parsed.
/// - A connection that has not sent a whole request head `timeout` after connecting (TLS handshake included) gets
///   408 with the JSON error body and is closed, so a client that trickles a head cannot hold a socket forever.
/// - A first request the HTTP parser rejects (`GARBAGE\r\n\r\n`) gets 400 naming the parser's complaint, where
///   the connection used to stay open with no answer at all.
/// Sits right after the HTTP request decoder, never looks inside what it passes on, and leaves the pipeline at the
/// first request head; Hummingbird's own handlers take over from there.
final class FirstRequestGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let timeout: Double
    private let onRefusal: @Sendable (ServerError) -> Void
    private var deadline: Scheduled<Void>?
    private var answered = false

    /// - Parameter onRefusal: called with each 408 or 400 this guard sends (for metrics).
    init(timeout: Double, onRefusal: @escaping @Sendable (ServerError) -> Void = { _ in }) {
        self.timeout = timeout
        self.onRefusal = onRefusal
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let seconds = timeout
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { [self] in
            refuse(.timeout("no complete request head within \(Self.format(seconds)) s of connecting; connection closed"), context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancelDeadline() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }  // what a refused client still sends is read and dropped
        // The decoder passes nothing on before a whole head: the first read is the first request's head.
        cancelDeadline()
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let parserError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        if answered { return }
        refuse(Self.refusal(parserError), context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if answered, let event = event as? ChannelEvent, event == .inputClosed { return finish(context) }
        context.fireUserInboundEventTriggered(event)
    }

    /// The answer to a first request the parser rejected.
    static func refusal(_ error: HTTPParserError) -> ServerError {
        switch error {
        case .headerOverflow:
            .tooLarge("the request head (request line and headers) is over the server's limit; send shorter headers")
        default:
            .invalidArgument("malformed HTTP request: \(error) (expected a request line such as "
                             + "'POST /v1/asr:recognize HTTP/1.1', header lines, then an empty line)")
        }
    }

    /// Answers `error` as a JSON error response, then closes the connection when the client closes its side or
    /// 2 s after the answer is written. Reading on meanwhile (a lingering close) lets a client that is still sending
    /// read the answer, where closing at once would reset the connection under it.
    private func refuse(_ error: ServerError, _ context: ChannelHandlerContext) {
        cancelDeadline()
        answered = true
        onRefusal(error)
        let body = ByteBuffer(bytes: error.jsonBody)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: "\(body.readableBytes)")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: error.httpStatus), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { [self] _ in
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(2)) { [self] in finish(context) }
        }
    }

    /// Ends a refused connection. The upgrade handler behind takes the event as the client's end: it closes the
    /// connection and ends Hummingbird's wait for a first request quietly (a plain close is logged as an error).
    private func finish(_ context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        context.close(promise: nil)
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))" : "\(seconds)"
    }
}

/// The HTTP/1.1 + WebSocket-upgrade child channel with a `FirstRequestGuard` after its request decoder and a
/// `ConnectionWatch` at the front.
struct GuardedUpgradeChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let base: HTTP1WebSocketUpgradeChannel
    let headTimeout: Double
    let onRefusal: @Sendable (ServerError) -> Void

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(FirstRequestGuard(timeout: headTimeout, onRefusal: onRefusal), position: .after(decoder))
            try operations.addHandler(ConnectionWatch(eventLoop: channel.eventLoop), position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async { await base.handle(value: value, logger: logger) }
}
