import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import TAOToolkit

/// tao's service: the HTTP/JSON and WebSocket routes over a model repository, the inference queue behind them,
/// metrics, limits and the stream cap. `makeApplication` gives the Hummingbird application to run.
public final class TAOService: Sendable {
    public let configuration: ServerConfiguration
    public let repository: ModelRepository
    public let metrics: ServerMetrics
    let queue: InferenceQueue
    let speech: SpeechService
    let slots: StreamSlots
    let logger: Logger

    public init(configuration: ServerConfiguration, repository: ModelRepository, logger: Logger = Logger(label: "tao.serve")) {
        self.configuration = configuration
        self.repository = repository
        self.logger = logger
        metrics = ServerMetrics()
        SpeechRecognizer.useThreads(configuration.threads)
        queue = InferenceQueue(capacity: configuration.queueCapacity, maxBatch: configuration.maxBatch, maxTextBatch: configuration.maxTextBatch,
                               textBatchWait: configuration.textBatchWait, metrics: metrics)
        speech = SpeechService(repository: repository, queue: queue, metrics: metrics)
        slots = StreamSlots(limit: configuration.maxStreams)
    }

    deinit { queue.stop() }

    /// `maxConnections` for this process: 1024, or fewer when it may open fewer files (see `ConnectionLimit`).
    public static func defaultMaxConnections() -> Int { ConnectionLimit.defaultMaximum() }

    /// The application: one port for HTTP/1.1 and the WebSocket upgrade.
    /// Throws when the TLS certificate or key cannot be read.
    public func makeApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws
        -> Application<RouterResponder<ServiceRequestContext>> {
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: ServiceMiddleware<ServiceRequestContext>(apiKey: configuration.apiKey, metrics: metrics, logger: logger))
        addRoutes(to: router)
        let webSocketRouter = Router(context: ServiceRequestContext.self)
        addStreamRoute(to: webSocketRouter)
        // validateUTF8: a text frame that is not UTF-8 closes the stream with 1007, as RFC 6455 requires.
        let webSocket = WebSocketServerConfiguration(maxFrameSize: configuration.maxMessageBytes, autoPing: .enabled(timePeriod: .seconds(30)),
                                                     closeTimeout: .seconds(5), validateUTF8: true)
        let webSocketResponder = webSocketRouter.buildResponder()
        let tls = try tlsConfiguration()
        let (headTimeout, metrics) = (configuration.requestHeadTimeout, metrics)
        let connections = ConnectionLimit(maximum: configuration.maxConnections, logger: logger, metrics: metrics)
        let server = HTTPServerBuilder { responder in
            let upgrade = HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder,
                                                       configuration: .init(http1: .init(idleTimeout: .seconds(120)), ws: webSocket))
            let guarded = GuardedUpgradeChannel(base: upgrade, headTimeout: headTimeout, webSocketPaths: ["/v1/asr:stream"],
                                                connections: connections) { error in
                metrics.recordRequest(route: "unparsed", status: error.httpStatus, seconds: 0, errorStatus: error.status)
            }
            guard let tls else { return guarded }
            return try TLSChannel(guarded, tlsConfiguration: tls)
        }
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tao"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    /// The TLS settings of `--tls-cert` and `--tls-key` (PEM files), or nil for plain HTTP.
    private func tlsConfiguration() throws -> TLSConfiguration? {
        guard configuration.tlsCertificate != nil || configuration.tlsKey != nil else { return nil }
        guard let certificate = configuration.tlsCertificate, let key = configuration.tlsKey else {
            throw ServerError.invalidArgument("TLS needs both a certificate (--tls-cert) and a private key (--tls-key)")
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate)
            let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        } catch {
            throw ServerError.invalidArgument("TLS: cannot load \(certificate) and \(key) as PEM: \(error)")
        }
    }

    /// Stops taking streams and requests (503), then waits until the open streams end or `gracePeriod` passes.
    public func drain() async {
        slots.startDraining()
        let deadline = Date().addingTimeInterval(configuration.gracePeriod)
        while slots.open > 0 && Date() < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if slots.open > 0 { logger.warning("\(slots.open) streams still open after the \(configuration.gracePeriod) s grace period") }
    }

    /// Stops the inference worker after the queued work (once the application has stopped).
    public func stop() { queue.stop() }

    // MARK: Routes

    private func addRoutes(to router: Router<ServiceRequestContext>) {
        let pages: [(path: String, page: @Sendable () -> Response)] = [
            ("/", {
                Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: TestPage.html)))
            }),
            ("/health", { [self] in health() }),
            ("/v1/models", { [self] in json(repository.listing()) }),
            ("/metrics", { [self] in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
            }),
        ]
        // Load balancers and monitors probe with HEAD: the same status and headers (Content-Length included); NIO
        // leaves the body out.
        for (path, page) in pages {
            router.get(RouterPath(path)) { _, _ in page() }
            router.head(RouterPath(path)) { _, _ in page() }
        }
        router.post("/v1/asr:recognize") { [self] request, context in
            if slots.isDraining { throw ServerError.shuttingDown }
            let bytes = try await receiveBody(of: request)
            let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { $1 })
            let offline = OfflineRecognition(service: speech, configuration: configuration)
            let response = try await withTimeout(configuration.requestTimeout, what: "recognition", clientGone: context.clientGone) {
                try await offline.respond(body: bytes, contentType: request.headers[.contentType], query: query)
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: response.json())))
        }
        // Reached when a request for the stream route was not upgraded: say why.
        router.get("/v1/asr:stream") { [self] request, _ -> Response in
            guard request.headers[.upgrade]?.lowercased() == "websocket" else { throw ServerError.upgradeRequired(path: request.uri.path) }
            if let refusal = slots.refusal {
                metrics.streamRejected()
                throw refusal
            }
            throw ServerError.invalidArgument("\(request.uri.path): the WebSocket upgrade failed (check Sec-WebSocket-Key and Sec-WebSocket-Version: 13)")
        }
        for task in TextTask.allCases {
            router.post(RouterPath("/v1/nlp:\(task.rawValue)")) { [self] request, context in
                if slots.isDraining { throw ServerError.shuttingDown }
                let bytes = try await receiveBody(of: request)
                let routes = TextRoutes(repository: repository, queue: queue, maxTextLength: configuration.maxTextLength)
                // The same deadline as recognition: a long text must not hold the inference worker for hours.
                let data = try await withTimeout(configuration.requestTimeout, what: task.rawValue, clientGone: context.clientGone) {
                    try JSONSerialization.data(withJSONObject: try await routes.respond(task: task, body: bytes), options: [.sortedKeys])
                }
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
        }
        // Any other method on a route that exists is 405 with the methods it takes, not 404.
        let methods: [(path: String, allowed: [HTTPRequest.Method])] = pages.map { ($0.path, [.get, .head]) }
            + [("/v1/asr:stream", [.get]), ("/v1/asr:recognize", [.post])] + TextTask.allCases.map { ("/v1/nlp:\($0.rawValue)", [.post]) }
        for (path, allowed) in methods {
            for method in ServiceMiddleware<ServiceRequestContext>.methods where !allowed.contains(method) {
                router.on(RouterPath(path), method: method) { request, _ -> Response in
                    throw ServerError.methodNotAllowed(method: method.rawValue, path: request.uri.path, allowed: allowed.map(\.rawValue))
                }
            }
        }
    }

    /// Every upgrade is accepted, and a refused stream is closed with its error message and close code (1008 without
    /// the API key, 1013 over the stream cap, 1001 while draining): a declined upgrade would reach the client as an
    /// empty 400, which neither a browser nor a Riva-style client can explain.
    private func addStreamRoute(to router: Router<ServiceRequestContext>) {
        router.ws("/v1/asr:stream") { [self] inbound, outbound, context in
            let authorized = configuration.apiKey.map { ServiceMiddleware<ServiceRequestContext>.authorized(context.request, key: $0) } ?? true
            await runStream(inbound: inbound, outbound: outbound, logger: context.logger, authorized: authorized,
                            clientGone: context.requestContext.clientGone)
        }
    }

    /// One stream from upgrade to close, holding a slot of the cap all along. When `clientGone` completes, the
    /// stream is cancelled: its queued inference is dropped and its slot freed at once, where it used to wait for
    /// the inference a vanished client had queued.
    func runStream(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, logger: Logger, authorized: Bool = true,
                   clientGone: EventLoopFuture<Void>? = nil) async {
        let started = Date()
        let session = StreamingSession(service: speech, configuration: configuration, outbound: outbound, logger: logger)
        if !authorized {
            metrics.recordRequest(route: "/v1/asr:stream", status: 401, seconds: 0, errorStatus: ServerError.unauthenticated.status)
            await session.refuse(.unauthenticated, inbound: inbound)
            return
        }
        if let refusal = slots.acquire() {
            metrics.streamRejected()
            metrics.recordRequest(route: "/v1/asr:stream", status: refusal.httpStatus, seconds: 0, errorStatus: refusal.status)
            await session.refuse(refusal, inbound: inbound)
            return
        }
        metrics.streamStarted()
        defer {
            slots.release()
            metrics.streamEnded()
        }
        // The session goes to a task of its own, which the client's leaving cancels.
        let ended = await cancellingWhenGone(clientGone) { () async -> (error: Error?, failure: ServerError?) in
            do {
                try await session.run(inbound)
                return (nil, await session.failure)
            } catch {
                return (error, await session.failure)
            }
        }
        var status = 101, failure: String?
        if let error = ended.error {
            // The client vanished or broke the protocol; the server goes on.
            logger.info("stream ended: \(error is CancellationError ? "the client has gone" : "\(error)")")
            status = 499
            failure = "CANCELLED"
        }
        if let error = ended.failure { status = error.httpStatus; failure = error.status }
        metrics.recordRequest(route: "/v1/asr:stream", status: status, seconds: Date().timeIntervalSince(started), errorStatus: failure)
    }

    /// The health report: 200 while serving, 503 while draining.
    private func health() -> Response {
        let body: [String: Any] = [
            "status": slots.isDraining ? "draining" : "ok", "models": repository.models.count,
            "active_streams": slots.open, "queue_depth": queue.depth,
        ]
        return json(body, status: slots.isDraining ? .serviceUnavailable : .ok)
    }

    /// The whole request body, within the size limit and the request timeout: a client that trickles its body
    /// gets 408 instead of holding the route's handler for as long as it likes.
    private func receiveBody(of request: Request) async throws -> [UInt8] {
        let limit = configuration.maxBodyBytes
        // A body announced over the limit is refused before it is sent, not once the limit's worth has arrived.
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw ServerError.tooLarge("the request body is \(length) bytes, over the server's limit of \(limit) (--max-body-bytes)")
        }
        return try await withTimeout(configuration.requestTimeout, what: "receiving the request body", advice: "send it in one go") {
            Array(try await request.body.collect(upTo: limit).readableBytesView)
        }
    }

    private func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
