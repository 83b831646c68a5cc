import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import Logging
import Testing
@testable import TAOServer

@Suite("HTTP routes (Hummingbird's router test client, no socket)")
struct RoutesTests {
    var app: Application<RouterResponder<ServiceRequestContext>> { get throws { try sharedService.makeApplication() } }

    @Test("GET /health answers ok with the model count")
    func health() async throws {
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = jsonObject(response.body)
                #expect(body["status"] as? String == "ok")
                #expect(body["models"] as? Int == 2)
            }
        }
    }

    @Test("HEAD on every page answers as GET does, Content-Length included, without the body")
    func head() async throws {
        try await sharedService.makeApplication().test(.live) { client in
            let port = try #require(client.port)
            for path in ["/", "/health", "/v1/models"] {
                let get = await answerUntilClosed(port: port, "GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").answer
                let head = await answerUntilClosed(port: port, "HEAD \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").answer
                func field(_ name: String, _ answer: String) -> String? {
                    answer.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix(name + ":") }
                }
                let getBody = get.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
                #expect(get.hasPrefix("HTTP/1.1 200") && head.hasPrefix("HTTP/1.1 200"), "\(path): \(head)")
                #expect(field("content-length", head) == "Content-Length: \(getBody.utf8.count)", "\(path): \(head)")
                #expect(field("content-type", head) == field("content-type", get), "\(path)")
                #expect(head.hasSuffix("\r\n\r\n"), "\(path): a body after the head: \(head)")
            }
        }
    }

    @Test("GET /v1/models lists the speech model with its rate, labels, decoding (its own tuned settings) and LM")
    func models() async throws {
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/models", method: .get) { response in
                #expect(response.status == .ok)
                let models = jsonObject(response.body)["models"] as? [[String: Any]] ?? []
                let speech = models.first { $0["name"] as? String == "citrinet_char" }
                #expect(speech?["task"] as? String == "speech_to_text")
                #expect(speech?["sample_rate_hertz"] as? Int == 16000)
                #expect((speech?["labels"] as? [String])?.count == 28)
                #expect(speech?["language_model"] as? String == "citrinet_char_lm")
                let decoding = speech?["decoding"] as? [String: Any]
                #expect(decoding?["default"] as? String == "beam")
                // The settings the shipped model was exported with, not the standard alpha 0.5, beta 1.0, -5.
                #expect(decoding?["alpha"] as? Double == 0.6 && decoding?["beta"] as? Double == 0, "\(decoding ?? [:])")
                #expect(decoding?["token_min_logp"] as? Double == -8, "\(decoding ?? [:])")
                #expect(models.contains { $0["task"] as? String == "n_gram" })
            }
        }
    }

    @Test("GET /metrics is Prometheus text with request counters and latency histograms")
    func metrics() async throws {
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                #expect(text.contains("# TYPE tao_requests_total counter"))
                #expect(text.contains("tao_requests_total{route=\"/health\",code=\"200\"}"))
                #expect(text.contains("tao_request_duration_seconds_bucket{route=\"/health\",le=\"+Inf\"}"))
                #expect(text.contains("tao_active_streams 0"))
                #expect(text.contains("tao_real_time_factor"))
            }
        }
    }

    @Test("an unknown path is a JSON 404, a wrong method 405 with Allow, an unknown one 501, and GET on the stream route asks for an upgrade (426)")
    func notFoundAndUpgrade() async throws {
        try await app.test(.router) { client in
            try await client.execute(uri: "/v2/nothing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(errorObject(response.body)["status"] as? String == "NOT_FOUND")
                #expect(errorObject(response.body)["code"] as? Int == 404)
            }
            try await client.execute(uri: "/v1/asr:stream", method: .get) { response in
                #expect(response.status.code == 426)
                #expect((errorObject(response.body)["message"] as? String)?.contains("WebSocket") == true)
            }
            // A route that exists answers other methods with 405 naming the method, not 404.
            let wrongMethods: [(String, HTTPRequest.Method, allow: String)] = [
                ("/v1/asr:recognize", .get, "POST"), ("/v1/asr:recognize", .put, "POST"), ("/v1/asr:recognize", .head, "POST"),
                ("/health", .post, "GET, HEAD"), ("/v1/models", .delete, "GET, HEAD"), ("/metrics", .options, "GET, HEAD"),
                ("/v1/nlp:punctuate_text", .patch, "POST"), ("/v1/asr:stream", .post, "GET"),
            ]
            for (uri, method, allow) in wrongMethods {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                    #expect(errorObject(response.body)["message"] as? String == "\(uri): \(method.rawValue) is not supported on this route")
                }
            }
            // A method no route takes is 501 on any path.
            try await client.execute(uri: "/health", method: .init("PROPFIND")!) { response in
                #expect(response.status.code == 501)
                #expect(errorObject(response.body)["message"] as? String
                        == "PROPFIND: not a method this server implements (its routes take GET, HEAD and POST)")
            }
        }
    }

    @Test("the test page is HTML")
    func page() async throws {
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: response.body).contains("<html"))
            }
        }
    }
}

@Suite("TLS")
struct TLSTests {
    /// A service with the fixture certificate and key, and `adjust` applied.
    func tlsService(logger: Logger = Logger(label: "tao.serve"), _ adjust: @escaping (inout ServerConfiguration) -> Void = { _ in }) throws -> TAOService {
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return makeService(logger: logger) {
            $0.tlsCertificate = fixtures.appendingPathComponent("tls_cert.pem").path
            $0.tlsKey = fixtures.appendingPathComponent("tls_key.pem").path
            adjust(&$0)
        }
    }

    @Test("with --tls-cert and --tls-key the routes answer over HTTPS")
    func https() async throws {
        try await tlsService().makeApplication().test(.ahc(.https)) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(jsonObject(response.body)["status"] as? String == "ok")
            }
        }
    }

    @Test("over TLS too, a connection that never starts its handshake is closed after requestHeadTimeout")
    func silentClient() async throws {
        let service = try tlsService { $0.requestHeadTimeout = 0.3 }
        try await service.makeApplication().test(.ahc(.https)) { client in
            let port = try #require(client.port)
            #expect(await serverCloses(port: port, after: ""), "the connection was still open 5 s after connecting")
            #expect(service.metrics.render().contains("tao_requests_total{route=\"unparsed\",code=\"408\"} 1"))
        }
    }

    @Test("plain HTTP or garbage on the TLS port ends the connection without an error-level log line")
    func failedHandshake() async throws {
        let log = CapturedLog()
        let service = try tlsService(logger: Logger(label: "tao.serve") { _ in log })
        try await service.makeApplication().test(.ahc(.https)) { client in
            let port = try #require(client.port)
            #expect(await serverCloses(port: port, after: "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
            #expect(await serverCloses(port: port, after: "\u{16}\u{3}\u{1}\u{0}\u{5}garbage"))
        }
        let errors = log.lines.withLock { $0 }.filter { $0.level >= .error }
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test("a missing key file is a clear error")
    func missingKey() {
        let service = makeService { $0.tlsCertificate = "/nonexistent/cert.pem"; $0.tlsKey = "/nonexistent/key.pem" }
        #expect(throws: ServerError.self) { try service.makeApplication() }
    }
}
