import HummingbirdCore
import HummingbirdWebSocket
import Logging
import Foundation
import NIOCore
import NIOHTTP1

/// Watches a connection until its first request head has arrived, a gap Hummingbird's WebSocket-upgrade pipeline
/// leaves open: its idle timer and its parse-error answer start only after a first request has been parsed.
/// - A connection that has not sent a whole request head `timeout` after connecting (TLS handshake included) gets
///   408 with the JSON error body and is closed, so a client that trickles a head cannot hold a socket forever.
/// - A first request the HTTP parser rejects (`GARBAGE\r\n\r\n`) gets 400 naming the parser's complaint, where
///   the connection used to stay open with no answer at all.
/// - A WebSocket upgrade of a WebSocket route without `Sec-WebSocket-Version: 13` and one `Sec-WebSocket-Key` gets 400
///   saying so (the upgrade used to fail with no answer); elsewhere an `Upgrade: websocket` header is ignored and
///   the request answered as plain HTTP (it used to get an empty 400).
/// Sits right after the HTTP request decoder and leaves the pipeline at the first request head; Hummingbird's own
/// handlers take over from there.
final class FirstRequestGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let timeout: Double
    private let webSocketPaths: Set<String>
    private let onRefusal: @Sendable (ServerError) -> Void
    private var deadline: Scheduled<Void>?
    private var answered = false

    /// - Parameters:
    ///   - webSocketPaths: the paths that take a WebSocket upgrade.
    ///   - onRefusal: called with each error response this guard sends (for metrics).
    init(timeout: Double, webSocketPaths: Set<String>, onRefusal: @escaping @Sendable (ServerError) -> Void = { _ in }) {
        self.timeout = timeout
        self.webSocketPaths = webSocketPaths
        self.onRefusal = onRefusal
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let seconds = timeout
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { [self] in
            refuse(.timeout("no complete request head within \(String(format: "%g", seconds)) s of connecting; connection closed"), context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancelDeadline() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }  // what a refused client still sends is read and dropped
        // The decoder passes nothing on before a whole head: the first read is the first request's head.
        cancelDeadline()
        if case var .head(head) = unwrapInboundIn(data), Self.asksForWebSocket(head.headers) {
            let path = String(head.uri.prefix { $0 != "?" })
            if head.method == .GET, webSocketPaths.contains(path) {
                if let problem = Self.handshakeProblem(head.headers) {
                    return refuse(.invalidArgument("GET \(path): \(problem)"), context, headers: [("Sec-WebSocket-Version", "13")])
                }
            } else {
                Self.dropUpgrade(from: &head.headers)
                context.fireChannelRead(wrapInboundOut(.head(head)))
                return context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            }
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private static func asksForWebSocket(_ headers: HTTPHeaders) -> Bool {
        headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }
    }

    /// What keeps a WebSocket handshake from being taken (RFC 6455 section 4.2.1), or nil.
    static func handshakeProblem(_ headers: HTTPHeaders) -> String? {
        let versions = headers[canonicalForm: "sec-websocket-version"], keys = headers["sec-websocket-key"]
        if versions != ["13"] {
            return "a WebSocket upgrade needs Sec-WebSocket-Version: 13 (this request gives "
                + (versions.isEmpty ? "none" : versions.joined(separator: ", ")) + ")"
        }
        if keys.count != 1 || keys[0].isEmpty { return "a WebSocket upgrade needs one Sec-WebSocket-Key" }
        return nil
    }

    /// Removes `Upgrade` and the `upgrade` token of `Connection`, keeping its other tokens.
    private static func dropUpgrade(from headers: inout HTTPHeaders) {
        let tokens = headers[canonicalForm: "connection"].map(String.init).filter { $0.lowercased() != "upgrade" }
        headers.remove(name: "upgrade")
        headers.remove(name: "connection")
        if !tokens.isEmpty { headers.add(name: "Connection", value: tokens.joined(separator: ", ")) }
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
    /// 2 s later. Reading on meanwhile (a lingering close) lets a client that is still sending read the answer, where
    /// closing at once would reset the connection under it. The 2 s do not wait for the answer to be written: under
    /// TLS, a client that never finished its handshake would hold the write, and the connection, for ever.
    private func refuse(_ error: ServerError, _ context: ChannelHandlerContext, headers extra: [(String, String)] = []) {
        cancelDeadline()
        answered = true
        onRefusal(error)
        let body = ByteBuffer(bytes: error.jsonBody)
        var headers = HTTPHeaders(extra)
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: "\(body.readableBytes)")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: error.httpStatus), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(2)) { [self] in finish(context) }
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
}

/// The HTTP/1.1 + WebSocket-upgrade child channel with a `FirstRequestGuard` after its request decoder and a
/// `ConnectionWatch` at the front.
struct GuardedUpgradeChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let base: HTTP1WebSocketUpgradeChannel
    let headTimeout: Double
    let webSocketPaths: Set<String>
    let onRefusal: @Sendable (ServerError) -> Void

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            let guarding = FirstRequestGuard(timeout: headTimeout, webSocketPaths: webSocketPaths, onRefusal: onRefusal)
            try operations.addHandler(guarding, position: .after(decoder))
            try operations.addHandler(ConnectionWatch(eventLoop: channel.eventLoop), position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async { await base.handle(value: value, logger: logger) }
}
