import ArgumentParser
import Dispatch
import Foundation
import Logging
import TAOServer

/// `tao serve`: the Riva-like speech and language service over WebSocket and HTTP/JSON.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the models of a folder over WebSocket and HTTP/JSON (Riva's API shape, no gRPC).",
        discussion: """
        Routes: GET / (a page to try it), GET /health, GET /v1/models, GET /metrics, POST /v1/asr:recognize, \
        GET /v1/asr:stream (WebSocket). SIGTERM stops taking work, lets open streams finish within --grace-period \
        and exits 0.
        """
    )

    @Option(help: "Folder of .tao models, and its subfolders one level down: speech models (NAME_lm.tao is NAME's language model) and text-task models.")
    var models: String
    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"
    @Option(help: "TCP port (0 picks a free one; the bound port is printed).")
    var port = 8009
    @Option(name: .customLong("api-key"), help: "Require 'Authorization: Bearer KEY' on every route but /health (default: $TAO_API_KEY).")
    var apiKey: String?
    @Option(name: [.customShort("k"), .long], help: "Key of encrypted .tao models.")
    var key: String?
    @Option(name: .customLong("tls-cert"), help: "PEM certificate for HTTPS/WSS (with --tls-key).")
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key for HTTPS/WSS.")
    var tlsKey: String?
    @Option(name: .customLong("max-streams"), help: "WebSocket streams open at once; one more is refused (503 / close 1013).")
    var maxStreams = 32
    @Option(name: .customLong("max-connections"),
            help: "Client connections open at once; one more is answered 503 and closed (default: 1024, or fewer when the file limit is lower).")
    var maxConnections: Int?
    @Option(help: "Threads for the network's matrix products.")
    var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body.")
    var maxBodyBytes = 64 << 20
    @Option(name: .customLong("max-audio-seconds"), help: "Longest audio of one offline request.")
    var maxAudioSeconds = 900.0
    @Option(name: .customLong("max-message-bytes"), help: "Largest WebSocket message.")
    var maxMessageBytes = 1 << 20
    @Option(name: .customLong("max-text-length"), help: "Longest text of one NLP request, characters.")
    var maxTextLength = 10_000
    @Option(name: .customLong("idle-timeout"), help: "Seconds a stream's audio may fall behind real time (silent, or sending too little) before it is closed.")
    var idleTimeout = 30.0
    @Option(name: .customLong("grace-period"), help: "Seconds open streams get to finish after SIGTERM.")
    var gracePeriod = 10.0
    @Flag(help: "Log every request.")
    var verbose = false

    func run() throws {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.apiKey = apiKey ?? ProcessInfo.processInfo.environment["TAO_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.maxStreams = maxStreams
        configuration.maxConnections = max(maxConnections ?? TAOService.defaultMaxConnections(), 1)
        configuration.threads = max(threads, 1)
        configuration.maxBodyBytes = maxBodyBytes
        configuration.maxAudioSeconds = maxAudioSeconds
        configuration.maxMessageBytes = maxMessageBytes
        configuration.maxTextLength = maxTextLength
        configuration.idleTimeout = idleTimeout
        configuration.gracePeriod = gracePeriod
        configuration.tlsCertificate = tlsCert
        configuration.tlsKey = tlsKey
        var logger = Logger(label: "tao.serve")
        logger.logLevel = verbose ? .debug : .info
        let repository = try ModelRepository(directory: URL(fileURLWithPath: models), key: key, logger: logger)
        for model in repository.models { logger.info("loaded \(model.task) model '\(model.name)'") }
        let service = TAOService(configuration: configuration, repository: repository, logger: logger)
        let scheme = tlsCert == nil ? "http" : "https", host = configuration.host, count = repository.models.count
        let finished = DispatchSemaphore(value: 0)
        let outcome = Locked<Error?>(nil)
        Task {
            do {
                try await service.runUntilSignalled { port in
                    say("tao serve: listening on \(scheme)://\(host):\(port) (\(count) models)\n")
                }
            } catch {
                outcome.set(error)
            }
            finished.signal()
        }
        finished.wait()
        if let error = outcome.get() { throw error }
        print("tao serve: stopped")
    }
}

/// A value shared with the task that runs the server.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func set(_ newValue: Value) { lock.lock(); value = newValue; lock.unlock() }
    func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
}
