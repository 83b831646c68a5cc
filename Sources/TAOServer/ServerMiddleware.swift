import Foundation
import Hummingbird
import Logging
import NIOHTTP1

/// Turns every failure into the JSON error body with its status, checks the API key, and records request
/// metrics. Runs around every route, including unknown paths.
struct ServiceMiddleware<Context: RequestContext>: RouterMiddleware {
    let apiKey: String?
    let metrics: ServerMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = Date()
        let response: Response
        var failure: ServerError?
        do {
            if !Self.methods.contains(request.method) {
                throw ServerError.notImplemented("\(request.method): not a method this server implements (its routes take GET, HEAD and POST)")
            }
            if let apiKey, request.uri.path != "/health", !Self.authorized(request, key: apiKey) {
                throw ServerError.unauthenticated
            }
            response = try await next(request, context)
        } catch {
            let serverError = Self.serverError(error, request: request)
            failure = serverError
            // A 503 (no such model here, a full queue, draining) is the state of the service, not a fault in it.
            if serverError.httpStatus == 500 {
                logger.error("\(request.method) \(request.uri.path): \(serverError)")
            } else if serverError.httpStatus > 500 {
                logger.info("\(request.method) \(request.uri.path): \(serverError)")
            }
            response = Self.errorResponse(serverError)
        }
        let route = context.endpointPath ?? "unmatched", seconds = Date().timeIntervalSince(started)
        metrics.recordRequest(route: route, status: Int(response.status.code), seconds: seconds, errorStatus: failure?.status)
        logger.debug("\(request.method) \(request.uri.path) \(response.status.code) \(String(format: "%.1f", seconds * 1000)) ms")
        return response
    }

    /// Whether the request carries the key: `Authorization: Bearer <key>`, or `api_key=<key>` in the query.
    static func authorized(_ request: Request, key: String) -> Bool {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer", constantTimeEqual(String(parts[1]), key) { return true }
        }
        if let query = request.uri.queryParameters.get("api_key"), constantTimeEqual(query, key) { return true }
        return false
    }

    /// Compares in time that depends only on the expected key's length, not on where the strings differ.
    static func constantTimeEqual(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8), b = Array(expected.utf8)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<b.count {
            difference |= b[index] ^ (index < a.count ? a[index] : 0)
        }
        return difference == 0 && a.count == b.count
    }

    static func serverError(_ error: Error, request: Request) -> ServerError {
        switch error {
        case let error as ServerError: return error
        case let error as any HTTPResponseError:
            // Hummingbird's own errors: no route, a body over the limit, ...
            switch error.status.code {
            case 404: return .notFound(path: request.uri.path)
            case 413: return .tooLarge("the request body is over the server's limit (--max-body-bytes)")
            case 405: return .methodNotAllowed(method: "\(request.method)", path: request.uri.path, allowed: [])
            case 401: return .unauthenticated
            case 400..<500: return .invalidArgument((error as? HTTPError)?.body ?? "bad request (\(error.status.code))")
            default: return .internalError("\(error.status.code) \((error as? HTTPError)?.body ?? error.status.reasonPhrase)")
            }
        case let error as HTTPParserError: return clientMistake(error)
        // The server stopping (or the client leaving) cancelled the request: not a fault of the server.
        case is CancellationError: return .cancelled("the request was cancelled: the server is stopping, or the client left")
        default: return .internalError("\(error)")
        }
    }

    /// NIO's HTTP parser failed on the request: the client broke HTTP/1.1 (a bad chunk size, an unknown transfer
    /// coding, more bytes than a chunk announced) or closed the connection in the middle of its body.
    static func clientMistake(_ error: HTTPParserError) -> ServerError {
        switch error {
        case .invalidEOFState, .closedConnection:
            .cancelled("the client closed the connection before the end of the request body")
        default:
            .invalidArgument("malformed HTTP request: \(error) (send the body with Content-Length, or Transfer-Encoding: chunked "
                             + "with hexadecimal chunk sizes)")
        }
    }

    /// The methods a route may take; any other is 501 on every path (RFC 9110 section 15.6.2), a listed one that a
    /// route does not take 405.
    static var methods: Set<HTTPRequest.Method> { [.get, .head, .post, .put, .delete, .patch, .options] }

    static func errorResponse(_ error: ServerError) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if case let .methodNotAllowed(_, _, allowed) = error, !allowed.isEmpty { headers[.allow] = allowed.joined(separator: ", ") }
        if error == .unauthenticated { headers[.wwwAuthenticate] = "Bearer" }
        if case .overloaded = error { headers[.retryAfter] = "1" }
        return Response(status: .init(code: error.httpStatus), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error.jsonBody)))
    }
}
