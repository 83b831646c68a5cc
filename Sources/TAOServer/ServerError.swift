import Foundation

/// Why the service refused or failed a request. Each case maps to an HTTP status, a gRPC-style status name (the
/// `status` field of the JSON error) and a WebSocket close code, so HTTP and streaming clients see the same reasons.
public enum ServerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A malformed request: bad JSON, a wrong field, unreadable audio.
    case invalidArgument(String)
    /// No or a wrong API key.
    case unauthenticated
    /// No route at this path.
    case notFound(path: String)
    /// The route exists for other methods.
    case methodNotAllowed(method: String, path: String, allowed: [String])
    /// A method the server implements on no route (CONNECT, PROPFIND).
    case notImplemented(String)
    /// The body, the audio or a message is over a limit.
    case tooLarge(String)
    /// The request line and headers are over the parser's limit (431; a long URI counts here too).
    case headTooLarge(String)
    /// A plain GET on a WebSocket route.
    case upgradeRequired(path: String)
    /// A queue or the stream cap is full: retry later.
    case overloaded(String)
    /// The server is draining before it stops.
    case shuttingDown
    /// A request or stream took longer than allowed.
    case timeout(String)
    /// The client went away before its request was complete (nobody reads the answer; it is for logs and metrics).
    case cancelled(String)
    /// No model can serve this request.
    case modelUnavailable(String)
    /// A bug or an unexpected failure; the message says what failed.
    case internalError(String)
    /// The model repository cannot be loaded (at startup).
    case repository(path: String, reason: String)

    /// The HTTP status code.
    public var httpStatus: Int {
        switch self {
        case .invalidArgument: 400
        case .unauthenticated: 401
        case .notFound: 404
        case .methodNotAllowed: 405
        case .notImplemented: 501
        case .tooLarge: 413
        case .headTooLarge: 431
        case .upgradeRequired: 426
        case .overloaded, .shuttingDown, .modelUnavailable: 503
        case .timeout: 408
        case .cancelled: 499
        case .internalError, .repository: 500
        }
    }

    /// The gRPC-style status name Riva clients know.
    public var status: String {
        switch self {
        case .invalidArgument, .upgradeRequired: "INVALID_ARGUMENT"
        case .unauthenticated: "UNAUTHENTICATED"
        case .notFound: "NOT_FOUND"
        case .methodNotAllowed, .notImplemented: "UNIMPLEMENTED"
        case .tooLarge, .headTooLarge, .overloaded: "RESOURCE_EXHAUSTED"
        case .shuttingDown, .modelUnavailable: "UNAVAILABLE"
        case .timeout: "DEADLINE_EXCEEDED"
        case .cancelled: "CANCELLED"
        case .internalError, .repository: "INTERNAL"
        }
    }

    /// The WebSocket close code a stream ends with for this error (RFC 6455 section 7.4; 1013 is "try again later").
    public var webSocketCloseCode: UInt16 {
        switch self {
        case .invalidArgument, .upgradeRequired, .notFound, .methodNotAllowed, .notImplemented: 1008
        case .unauthenticated: 1008
        case .tooLarge, .headTooLarge: 1009
        case .overloaded, .modelUnavailable: 1013
        case .shuttingDown: 1001
        case .timeout: 1008
        case .cancelled: 1001
        case .internalError, .repository: 1011
        }
    }

    public var description: String {
        switch self {
        case let .invalidArgument(message): message
        case .unauthenticated: "missing or wrong API key (send 'Authorization: Bearer <key>', or '?api_key=<key>' on a WebSocket)"
        case let .notFound(path): "\(path): no such route (GET /v1/models lists the models; GET / has a page to try them)"
        case let .methodNotAllowed(method, path, _): "\(path): \(method) is not supported on this route"
        case let .notImplemented(message): message
        case let .tooLarge(message), let .headTooLarge(message): message
        case let .upgradeRequired(path): "\(path): this route speaks WebSocket (send an Upgrade: websocket request)"
        case let .overloaded(message): message
        case .shuttingDown: "the server is shutting down (retry on another instance)"
        case let .timeout(message): message
        case let .cancelled(message): message
        case let .modelUnavailable(message): message
        case let .internalError(message): "internal error: \(message)"
        case let .repository(path, reason): "\(path): \(reason)"
        }
    }

    /// The JSON error body: `{"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "..."}}`.
    public var jsonBody: Data {
        let object: [String: Any] = ["error": ["code": httpStatus, "status": status, "message": description]]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    /// The close reason of a WebSocket (at most 123 bytes of UTF-8, as a close frame allows).
    public var closeReason: String {
        var reason = "\(status): \(description)"
        while reason.utf8.count > 123 { reason.removeLast() }
        return reason
    }
}
