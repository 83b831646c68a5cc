import Foundation
import NIOCore
import NIOHTTP1

/// Sees that every HTTP/1.1 request on a connection gets an answer and that no client holds a connection it has
/// been refused. Hummingbird leaves these gaps: its idle timer and its parse-error answer start only after a first
/// request, a later malformed head gets an empty 400, and after an early answer it reads the rest of the body.
/// - A connection that has not sent a whole first request head `timeout` after connecting (TLS handshake included)
///   gets 408 with the JSON error body and is closed, so a client that trickles a head cannot hold a socket forever.
///   Later heads fall under Hummingbird's idle timer, which counts from the previous answer.
/// - A request head the HTTP parser rejects (`GARBAGE\r\n\r\n`) gets 400 naming the parser's complaint, after the
///   answers still owed to earlier requests. (A malformed body reaches the route, whose error answer ends it.)
/// - An answer that starts before its request has wholly arrived (a body over the limit, a body too slow, a wrong
///   key) says `Connection: close` and ends the connection, rather than reading a body nobody will use. So does the
///   answer to a request that asks for it in any spelling (`Connection: Close`, HTTP/1.0 without keep-alive), where
///   Hummingbird took only the exact `close`.
/// - `Expect: 100-continue` is answered with `100 Continue` at once.
/// - `CONNECT` gets 501 and the connection ends (NIO writes any answer to it without a body, so only the close can
///   frame it; the connection used to hang after a bodiless 404). (A method the HTTP parser does not know is 400 with
///   the parser's complaint: to the parser it is a malformed request line like any other.)
/// - A WebSocket upgrade of a WebSocket route without `Connection: Upgrade`, `Sec-WebSocket-Version: 13` and one
///   `Sec-WebSocket-Key` gets 400 saying so (the upgrade used to fail with no answer); elsewhere an `Upgrade: websocket`
///   header is ignored and the request answered as plain HTTP (it used to get an empty 400). A taken upgrade removes
///   the guard.
/// - A connection over the server's connection limit is answered `overCapacity` as soon as it is open, and closed.
/// Sits right after the HTTP request decoder; Hummingbird's own handlers come after it.
final class HTTPConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let timeout: Double
    private let webSocketPaths: Set<String>
    private let onRefusal: @Sendable (ServerError) -> Void
    /// The first head's deadline, then the end of a lingering close.
    private var deadline: Scheduled<Void>?
    private var sawHead = false
    /// Between a request's head and its end.
    private var readingRequest = false
    /// The requests whose answers have not ended yet, oldest first: whether each asked to close the connection
    /// (`Connection: close` in any case, or HTTP/1.0 without keep-alive).
    private var owed: [Bool] = []
    /// A malformed head's answer, waiting for the answers owed before it.
    private var pendingRefusal: ServerError?
    /// The answer being written ends the connection: it came before its request had wholly arrived, or the request
    /// asked for that.
    private var closingAfterAnswer = false
    /// The connection is ending: what the client still sends is read and dropped.
    private var ending = false
    /// The answer of a connection over the limit, sent without waiting for a request.
    private let overCapacity: ServerError?

    /// - Parameters:
    ///   - webSocketPaths: the paths that take a WebSocket upgrade.
    ///   - onRefusal: called with each error response this guard sends (for metrics).
    ///   - overCapacity: the answer for a connection over the server's limit; nil for one within it.
    init(timeout: Double, webSocketPaths: Set<String>, overCapacity: ServerError? = nil,
         onRefusal: @escaping @Sendable (ServerError) -> Void = { _ in }) {
        self.timeout = timeout
        self.webSocketPaths = webSocketPaths
        self.overCapacity = overCapacity
        self.onRefusal = onRefusal
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if let overCapacity {
            if context.channel.isActive { refuse(overCapacity, context) }
            return
        }
        let seconds = timeout
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { [self] in
            refuse(.timeout("no complete request head within \(String(format: "%g", seconds)) s of connecting; connection closed"), context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancelDeadline() }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        if let overCapacity, !ending { refuse(overCapacity, context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !ending else { return }
        switch unwrapInboundIn(data) {
        case var .head(head):
            readingRequest = true
            if head.method == .CONNECT {
                // NIO frames any answer to CONNECT as a tunnel's, without a body: only ending the connection frames it.
                return refuseWhenDue(.notImplemented("CONNECT: this server is not a proxy; its routes take GET, HEAD and POST"), context)
            }
            owed.append(!head.isKeepAlive)
            if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                // Hummingbird reads the body without asking for it: clients such as curl would wait a second first.
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
            guard !sawHead else { break }
            // The decoder passes nothing on before a whole head: this is the first request's.
            sawHead = true
            cancelDeadline()
            guard Self.asksForWebSocket(head.headers) else { break }
            let path = String(head.uri.prefix { $0 != "?" })
            guard head.method == .GET, webSocketPaths.contains(path) else {
                Self.dropUpgrade(from: &head.headers)
                return context.fireChannelRead(wrapInboundOut(.head(head)))
            }
            if let problem = Self.handshakeProblem(head.headers) {
                owed.removeLast()
                return refuse(.invalidArgument("GET \(path): \(problem)"), context, headers: [("Sec-WebSocket-Version", "13")])
            }
            // The upgrade takes the connection out of HTTP.
            (try? context.pipeline.syncOperations.handler(type: ConnectionWatch.self))?.upgrading = true
            context.fireChannelRead(data)
            return context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        case .body:
            break
        case .end:
            readingRequest = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Owed nothing on an ending connection, Hummingbird would add its own empty 400 for a body it could not drain.
        if ending && owed.isEmpty { return promise?.succeed(()) ?? () }
        switch unwrapOutboundIn(data) {
        case var .head(head) where (readingRequest || owed.first == true) && head.status.code >= 200:
            // Answered before the whole request came, the rest of it will not be read; or the client asked to close.
            closingAfterAnswer = true
            head.headers.replaceOrAdd(name: "Connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            context.write(data, promise: promise)
            if !owed.isEmpty { owed.removeFirst() }
            guard owed.isEmpty else { return }
            if let refusal = pendingRefusal {
                pendingRefusal = nil
                refuse(refusal, context)
            } else if closingAfterAnswer {
                context.flush()
                linger(context)
            }
        default:
            context.write(data, promise: promise)
        }
    }

    private static func asksForWebSocket(_ headers: HTTPHeaders) -> Bool {
        headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }
    }

    /// What keeps a WebSocket handshake from being taken (RFC 6455 section 4.2.1), or nil.
    static func handshakeProblem(_ headers: HTTPHeaders) -> String? {
        let versions = headers[canonicalForm: "sec-websocket-version"], keys = headers["sec-websocket-key"]
        let connection = headers[canonicalForm: "connection"]
        if !connection.contains(where: { $0.lowercased() == "upgrade" }) {
            return "a WebSocket upgrade needs Connection: Upgrade (this request gives "
                + (connection.isEmpty ? "none" : connection.joined(separator: ", ")) + ")"
        }
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
        // A connection that failed before its first request (a TLS handshake refused: plain HTTP or garbage on the TLS
        // port) ends quietly; Hummingbird would log the failed wait for a request at error level, for any client.
        if !sawHead, !(error is HTTPParserError) { return finish(context) }
        // A parser error inside a body belongs to that request: its route answers it.
        guard let parserError = error as? HTTPParserError, !readingRequest else { return context.fireErrorCaught(error) }
        refuseWhenDue(Self.refusal(parserError), context)
    }

    /// Refuses a request head once the answers owed to the requests before it have been written.
    private func refuseWhenDue(_ error: ServerError, _ context: ChannelHandlerContext) {
        guard !ending, pendingRefusal == nil else { return }
        if !owed.isEmpty {
            pendingRefusal = error
        } else {
            refuse(error, context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if ending, let event = event as? ChannelEvent, event == .inputClosed { return finish(context) }
        context.fireUserInboundEventTriggered(event)
    }

    /// The answer to a request head the parser rejected.
    static func refusal(_ error: HTTPParserError) -> ServerError {
        switch error {
        case .headerOverflow:
            .headTooLarge("the request head (request line and headers) is over the server's limit; send a shorter URI and headers")
        default:
            .invalidArgument("malformed HTTP request: \(error) (expected a request line such as "
                             + "'POST /v1/asr:recognize HTTP/1.1', header lines, then an empty line)")
        }
    }

    /// Answers `error` as a JSON error response, then ends the connection.
    private func refuse(_ error: ServerError, _ context: ChannelHandlerContext, headers extra: [(String, String)] = []) {
        cancelDeadline()
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
        linger(context)
    }

    /// Closes the connection when the client closes its side or 2 s later, reading and dropping what it still sends
    /// meanwhile (a lingering close): a client that is still sending reads the answer, where closing at once would
    /// reset the connection under it. The 2 s do not wait for the answer to be written: under TLS, a client that
    /// never finished its handshake would hold the write, and the connection, for ever.
    private func linger(_ context: ChannelHandlerContext) {
        cancelDeadline()
        ending = true
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(2)) { [self] in finish(context) }
    }

    /// Ends the connection. The handlers behind take the event as the client's end: Hummingbird's wait for a request
    /// (or for the rest of a body) ends quietly, where a plain close is logged as an error.
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
