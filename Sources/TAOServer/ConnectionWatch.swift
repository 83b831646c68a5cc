import NIOCore

/// Tells when a connection's client has gone: it closed its side of the connection (end of input), or the
/// connection closed. Hummingbird does not cancel a request's handler then, so without this a client that gave up
/// would keep its queued or running inference until the request timeout. First in the pipeline for the
/// connection's whole life, it passes everything on untouched.
///
/// A client that closes its sending side after its request (`shutdown(SHUT_WR)`, `nc -N`) is taken as gone too,
/// as nginx takes it; HTTP clients and browsers keep their side open until they have the answer.
final class ConnectionWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer  // never unwrapped: reads pass on as they came

    /// Succeeds when the client has gone.
    let gone: EventLoopPromise<Void>
    /// Whether the client has said it has sent everything and waits for its answer (a stream's eof): the end of its
    /// input is then not its leaving. Set on the event loop by `StreamFrameWatch`; a WebSocket close frame clears it.
    var inputEndExpected = false
    /// A WebSocket upgrade is under way (set by `HTTPConnectionGuard`). The frames a client sent with its handshake
    /// wait in NIO's HTTP decoder until the upgrade is done, and the decoder drops them if the end of input reaches
    /// it first: that end is held here meanwhile (`upgradeDone` passes it on after the frames).
    var upgrading = false
    /// The end of input held while upgrading, with the context to pass it on from.
    private var heldInputEnd: ChannelHandlerContext?

    init(eventLoop: any EventLoop) { gone = eventLoop.makePromise() }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            if upgrading {
                heldInputEnd = context
                return
            }
            if !inputEndExpected { gone.succeed(()) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// The upgrade is done, or was declined. An end of input held meanwhile is judged, and passed on, once the frames
    /// that came before it have passed (`StreamFrameWatch` has then seen an eof among them).
    func upgradeDone(on eventLoop: any EventLoop) {
        upgrading = false
        guard let context = heldInputEnd else { return }
        heldInputEnd = nil
        eventLoop.assumeIsolated().execute { [self] in
            if !inputEndExpected { gone.succeed(()) }
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        gone.succeed(())
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { gone.succeed(()) }

    /// When the client of `channel` has gone; for a channel without a watch (Hummingbird's router tests), when it
    /// closes.
    static func clientGone(on channel: any Channel) -> EventLoopFuture<Void> {
        channel.eventLoop.flatSubmit {
            (try? channel.pipeline.syncOperations.handler(type: ConnectionWatch.self).gone.futureResult) ?? channel.closeFuture
        }
    }
}
