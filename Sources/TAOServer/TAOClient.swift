import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPTypes
import HummingbirdWSClient
import NIOCore
import Logging
import TAOAudio

/// A client of `tao serve`: offline recognition over HTTP, streaming over WebSocket (optionally paced in real
/// time, as a microphone would send), NLP calls. Used by `tao client` and `tao-bench serve`.
public struct TAOClient: Sendable {
    /// `http://host:port` of the server.
    public var baseURL: String
    public var apiKey: String?

    public init(baseURL: String = "http://127.0.0.1:8009", apiKey: String? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
    }

    /// An error the client met: a connection failure, or the server's JSON error.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// `POST /v1/asr:recognize` with an audio file as the body; the response JSON.
    public func recognize(file: URL, query: [String: String] = [:]) async throws -> Data {
        let body: Data
        do { body = try Data(contentsOf: file) } catch { throw Failure(description: "\(file.path): cannot read (\(error.localizedDescription))") }
        return try await post("/v1/asr:recognize", body: body, query: query, contentType: "application/octet-stream")
    }

    /// `POST path` with a JSON body (the NLP routes); the response JSON.
    public func postJSON(_ path: String, body: Data) async throws -> Data {
        try await post(path, body: body, query: [:], contentType: "application/json")
    }

    /// `GET path`; the response body.
    public func get(_ path: String) async throws -> Data {
        try await send(request(path, query: [:]))
    }

    private func post(_ path: String, body: Data, query: [String: String], contentType: String) async throws -> Data {
        var request = try request(path, query: query)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        return try await send(request)
    }

    private func request(_ path: String, query: [String: String]) throws -> URLRequest {
        guard var components = URLComponents(string: baseURL + path) else { throw Failure(description: "\(baseURL)\(path): not a URL") }
        if !query.isEmpty { components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        guard let url = components.url else { throw Failure(description: "\(baseURL)\(path): not a URL") }
        var request = URLRequest(url: url, timeoutInterval: 600)
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        return request
    }

    /// One session for every client, allowing as many connections to the server as callers have requests in flight
    /// (the default, 6 per host, would queue the requests of more concurrent callers inside the client).
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.default
        configuration.httpMaximumConnectionsPerHost = 256
        return URLSession(configuration: configuration)
    }()

    private func send(_ request: URLRequest) async throws -> Data {
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await Self.session.data(for: request)
        } catch {
            throw Failure(description: "\(request.url?.absoluteString ?? baseURL): \(error.localizedDescription) (is `tao serve` running there?)")
        }
        if let http = response as? HTTPURLResponse, http.statusCode >= 400 {
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            let message = (object?["error"] as? [String: Any])?["message"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw Failure(description: "HTTP \(http.statusCode): \(message)")
        }
        return data
    }

    /// What a stream saw: every message, the finals, and when things happened.
    public struct StreamOutcome: Sendable {
        /// The text messages received, in order.
        public var messages: [String] = []
        /// Final transcripts, in order.
        public var finals: [String] = []
        public var interims = 0
        /// Seconds from sending `{"eof": true}` to the last final result.
        public var eofToFinal: Double?
        /// Seconds from the first audio message to the close.
        public var wallSeconds = 0.0
        /// The close code, and the error the server sent, if any.
        public var closeCode: String?
        public var error: String?
    }

    /// Streams mono samples (at `sampleRate` Hz) as 16-bit PCM in `chunkSeconds` messages, paced in real time
    /// when `realtime`, then `{"eof": true}`; `onMessage` sees every server message as it arrives.
    public func stream(samples: [Float], sampleRate: Int, realtime: Bool, chunkSeconds: Double = 0.1, interimResults: Bool = true,
                       config extra: [String: Any] = [:], onMessage: @escaping @Sendable (String) -> Void = { _ in }) async throws -> StreamOutcome {
        var config: [String: Any] = ["encoding": "LINEAR_PCM", "sample_rate_hertz": sampleRate]
        for (key, value) in extra { config[key] = value }
        let configText = String(decoding: try JSONSerialization.data(withJSONObject: ["streaming_config": ["config": config, "interim_results": interimResults]]),
                                as: UTF8.self)
        let pcm = Self.pcm16(samples)
        let chunkBytes = max(Int(chunkSeconds * Double(sampleRate)) * 2, 2)
        let outcome = LockedOutcome()
        var webSocketURL = baseURL.replacingOccurrences(of: "http://", with: "ws://").replacingOccurrences(of: "https://", with: "wss://")
        webSocketURL += "/v1/asr:stream"
        var headers = HTTPFields()
        if let apiKey { headers[.authorization] = "Bearer \(apiKey)" }
        let started = Date()
        let close: WebSocketCloseFrame?
        do {
            close = try await WebSocketClient.connect(url: webSocketURL, configuration: .init(maxFrameSize: 1 << 20, additionalHeaders: headers),
                                                      logger: Logger(label: "tao.client")) { inbound, outbound, _ in
                try await outbound.write(.text(configText))
                let sender = Task {
                    var offset = 0
                    while offset < pcm.count {
                        let end = min(offset + chunkBytes, pcm.count)
                        try await outbound.write(.binary(ByteBuffer(bytes: pcm[offset..<end])))
                        offset = end
                        if realtime {
                            let due = started.addingTimeInterval(Double(offset / 2) / Double(sampleRate))
                            let wait = due.timeIntervalSinceNow
                            if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
                        }
                    }
                    outcome.update { $0.eofSent = Date() }
                    try await outbound.write(.text("{\"eof\": true}"))
                }
                for try await message in inbound.messages(maxSize: 1 << 22) {
                    guard case let .text(text) = message else { continue }
                    onMessage(text)
                    outcome.record(text)
                }
                sender.cancel()
            }
        } catch {
            throw Failure(description: "\(webSocketURL): \(error) (is `tao serve` running there?)")
        }
        var result = outcome.result
        result.wallSeconds = Date().timeIntervalSince(started)
        result.closeCode = close.map { "\($0.closeCode)" }
        return result
    }

    /// Little-endian 16-bit PCM of samples in [-1, 1).
    static func pcm16(_ samples: [Float]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: samples.count * 2)
        for (index, sample) in samples.enumerated() {
            let value = Int16(max(-32768, min(32767, (sample * 32768).rounded())))
            bytes[2 * index] = UInt8(truncatingIfNeeded: value)
            bytes[2 * index + 1] = UInt8(truncatingIfNeeded: value >> 8)
        }
        return bytes
    }
}

/// The outcome a stream's reader and writer share.
private final class LockedOutcome: @unchecked Sendable {
    struct State {
        var outcome = TAOClient.StreamOutcome()
        var eofSent: Date?
    }

    private let state = Locked(State())

    func update(_ body: (inout State) -> Void) { state.withLock(body) }

    func record(_ text: String) {
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        state.withLock { state in
            state.outcome.messages.append(text)
            if let error = object?["error"] as? [String: Any] { state.outcome.error = error["message"] as? String }
            for result in object?["results"] as? [[String: Any]] ?? [] {
                let transcript = ((result["alternatives"] as? [[String: Any]])?.first?["transcript"] as? String) ?? ""
                if result["is_final"] as? Bool == true {
                    state.outcome.finals.append(transcript)
                    if let sent = state.eofSent { state.outcome.eofToFinal = Date().timeIntervalSince(sent) }
                } else {
                    state.outcome.interims += 1
                }
            }
        }
    }

    var result: TAOClient.StreamOutcome { state.current.outcome }
}
