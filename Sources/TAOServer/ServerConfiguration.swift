import Foundation

/// How `tao serve` listens and the limits it enforces.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// TCP port; 0 picks a free one.
    public var port = 8009
    /// With a key, every route but `/health` needs `Authorization: Bearer <key>` (or `?api_key=` on WebSocket
    /// routes, which browsers cannot give headers).
    public var apiKey: String?
    /// WebSocket recognition streams open at once; one more is refused with 503 / close code 1013.
    public var maxStreams = 32
    /// Client connections open at once; one more is answered 503 and closed at once.
    public var maxConnections = 1024
    /// Threads for the network's matrix products and kernels.
    public var threads = 2
    /// Largest request body, bytes.
    public var maxBodyBytes = 64 << 20
    /// Longest audio of one offline request, seconds.
    public var maxAudioSeconds = 900.0
    /// Longest audio of one stream, seconds.
    public var maxStreamSeconds = 3600.0
    /// Largest WebSocket message, bytes.
    public var maxMessageBytes = 1 << 20
    /// Longest text of one NLP request, characters.
    public var maxTextLength = 10_000
    /// A stream whose audio falls this far behind real time (silent, or trickling) is closed, seconds.
    public var idleTimeout = 30.0
    /// A connection that has not sent a whole request head this long after connecting gets 408 and is closed, seconds.
    public var requestHeadTimeout = 30.0
    /// An offline request that takes longer fails with 408, seconds.
    public var requestTimeout = 120.0
    /// After SIGTERM, open streams get this long to finish, seconds.
    public var gracePeriod = 10.0
    /// Clips and NLP requests waiting for inference at most; one more is refused with 503. An offline recognition
    /// is refused only on arrival: once in, its final clips are queued past this, as a stream's are.
    public var queueCapacity = 256
    /// Clips in one forward pass at most.
    public var maxBatch = 16
    /// Texts of concurrent NLP requests in one call of a text model at most.
    public var maxTextBatch = 64
    /// How long an NLP request waits for others to join its batch, seconds.
    public var textBatchWait = 0.002
    /// An utterance longer than this is cut at its quietest point, seconds.
    public var maxSegmentSeconds = 20.0
    /// Audio between two interim results of a stream, seconds.
    public var interimInterval = 0.4
    /// PEM files for HTTPS/WSS.
    public var tlsCertificate: String?
    public var tlsKey: String?

    public init() {}
}
