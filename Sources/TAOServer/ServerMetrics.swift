import Foundation

/// The service's counters, gauges and histograms, rendered in the Prometheus text format at `GET /metrics`.
/// Thread-safe; every update takes one short lock.
public final class ServerMetrics: @unchecked Sendable {
    /// Upper bounds (seconds) of latency histogram buckets.
    static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10, 30]
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32]

    private struct Histogram {
        let bounds: [Double]
        var counts: [Int]
        var sum = 0.0, count = 0

        init(bounds: [Double]) {
            self.bounds = bounds
            counts = Array(repeating: 0, count: bounds.count)
        }

        mutating func observe(_ value: Double) {
            for (index, bound) in bounds.enumerated() where value <= bound { counts[index] += 1 }
            sum += value
            count += 1
        }
    }

    private struct State {
        var requests: [String: Int] = [:]           // key: route \t status
        var errors: [String: Int] = [:]             // key: route \t gRPC status
        var latency: [String: Histogram] = [:]      // key: route
        var finalLatency = Histogram(bounds: ServerMetrics.latencyBuckets)
        var batchSizes = Histogram(bounds: ServerMetrics.batchBuckets)
        var textBatchSizes = Histogram(bounds: ServerMetrics.batchBuckets)
        var textInferenceSeconds = 0.0
        var activeStreams = 0, streamsTotal = 0, streamsRejected = 0
        var audioSeconds: [String: Double] = [:]    // key: offline | streaming
        var inferenceSeconds = 0.0, inferenceAudioSeconds = 0.0
        var queueDepth = 0
        var openConnections = 0, connectionsRefused = 0
    }

    private let state = Locked(State())

    public init() {}

    func recordRequest(route: String, status: Int, seconds: Double, errorStatus: String?) {
        state.withLock { state in
            state.requests["\(route)\t\(status)", default: 0] += 1
            if let errorStatus { state.errors["\(route)\t\(errorStatus)", default: 0] += 1 }
            state.latency[route, default: Histogram(bounds: Self.latencyBuckets)].observe(seconds)
        }
    }

    func setOpenConnections(_ count: Int) {
        state.withLock { $0.openConnections = count }
    }

    func connectionRefused() {
        state.withLock { $0.connectionsRefused += 1 }
    }

    func recordError(route: String, status: String) {
        state.withLock { $0.errors["\(route)\t\(status)", default: 0] += 1 }
    }

    func recordAudio(seconds: Double, mode: String) {
        state.withLock { $0.audioSeconds[mode, default: 0] += seconds }
    }

    func recordFinalLatency(_ seconds: Double) {
        state.withLock { $0.finalLatency.observe(seconds) }
    }

    func recordInference(batchSize: Int, seconds: Double, audioSeconds: Double) {
        state.withLock {
            $0.batchSizes.observe(Double(batchSize))
            $0.inferenceSeconds += seconds
            $0.inferenceAudioSeconds += audioSeconds
        }
    }

    func recordTextInference(requests: Int, seconds: Double) {
        state.withLock {
            $0.textBatchSizes.observe(Double(requests))
            $0.textInferenceSeconds += seconds
        }
    }

    func setQueueDepth(_ depth: Int) { state.withLock { $0.queueDepth = depth } }

    func streamStarted() { state.withLock { $0.activeStreams += 1; $0.streamsTotal += 1 } }
    func streamEnded() { state.withLock { $0.activeStreams -= 1 } }
    func streamRejected() { state.withLock { $0.streamsRejected += 1 } }

    /// Streams open now.
    var activeStreams: Int { state.withLock { $0.activeStreams } }

    /// The Prometheus text exposition (format 0.0.4).
    public func render() -> String {
        let snapshot = state.current
        var out = ""
        func header(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func histogram(_ name: String, _ labels: String, _ value: Histogram) {
            let prefix = labels.isEmpty ? "" : labels + ","
            for (bound, count) in zip(value.bounds, value.counts) {
                out += "\(name)_bucket{\(prefix)le=\"\(Self.number(bound))\"} \(count)\n"
            }
            out += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(value.count)\n"
            let braces = labels.isEmpty ? "" : "{\(labels)}"
            out += "\(name)_sum\(braces) \(Self.number(value.sum))\n\(name)_count\(braces) \(value.count)\n"
        }
        header("tao_requests_total", "counter", "HTTP requests and WebSocket streams by route and HTTP status.")
        for (key, count) in snapshot.requests.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "\t", omittingEmptySubsequences: false)
            out += "tao_requests_total{route=\"\(Self.escape(parts[0]))\",code=\"\(parts[1])\"} \(count)\n"
        }
        header("tao_errors_total", "counter", "Failed requests, refused streams and stream errors by route and status.")
        for (key, count) in snapshot.errors.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "\t", omittingEmptySubsequences: false)
            out += "tao_errors_total{route=\"\(Self.escape(parts[0]))\",status=\"\(parts[1])\"} \(count)\n"
        }
        header("tao_request_duration_seconds", "histogram", "Time from request to response (streams: to close).")
        for (route, value) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            histogram("tao_request_duration_seconds", "route=\"\(Self.escape(route))\"", value)
        }
        header("tao_final_result_latency_seconds", "histogram", "Streams: time from endpoint, flush or eof to the final result sent.")
        histogram("tao_final_result_latency_seconds", "", snapshot.finalLatency)
        header("tao_open_connections", "gauge", "Client connections open now (at most --max-connections).")
        out += "tao_open_connections \(snapshot.openConnections)\n"
        header("tao_connections_refused_total", "counter", "Connections answered 503 and closed for being over --max-connections.")
        out += "tao_connections_refused_total \(snapshot.connectionsRefused)\n"
        header("tao_active_streams", "gauge", "WebSocket recognition streams open now.")
        out += "tao_active_streams \(snapshot.activeStreams)\n"
        header("tao_streams_total", "counter", "WebSocket recognition streams accepted.")
        out += "tao_streams_total \(snapshot.streamsTotal)\n"
        header("tao_streams_rejected_total", "counter", "WebSocket recognition streams refused (stream cap, draining).")
        out += "tao_streams_rejected_total \(snapshot.streamsRejected)\n"
        header("tao_audio_seconds_total", "counter", "Seconds of audio received, by mode.")
        for mode in ["offline", "streaming"] {
            out += "tao_audio_seconds_total{mode=\"\(mode)\"} \(Self.number(snapshot.audioSeconds[mode] ?? 0))\n"
        }
        header("tao_inference_seconds_total", "counter", "Seconds the inference worker spent in forward passes.")
        out += "tao_inference_seconds_total \(Self.number(snapshot.inferenceSeconds))\n"
        header("tao_inference_audio_seconds_total", "counter", "Seconds of audio through forward passes (interim passes included).")
        out += "tao_inference_audio_seconds_total \(Self.number(snapshot.inferenceAudioSeconds))\n"
        header("tao_real_time_factor", "gauge", "Forward-pass seconds per audio second so far (under 1 is faster than real time).")
        let factor = snapshot.inferenceAudioSeconds > 0 ? snapshot.inferenceSeconds / snapshot.inferenceAudioSeconds : 0
        out += "tao_real_time_factor \(Self.number(factor))\n"
        header("tao_inference_batch_size", "histogram", "Clips per forward pass.")
        histogram("tao_inference_batch_size", "", snapshot.batchSizes)
        header("tao_text_inference_seconds_total", "counter", "Seconds the inference worker spent in text model calls.")
        out += "tao_text_inference_seconds_total \(Self.number(snapshot.textInferenceSeconds))\n"
        header("tao_text_batch_size", "histogram", "NLP requests answered per text model call.")
        histogram("tao_text_batch_size", "", snapshot.textBatchSizes)
        header("tao_inference_queue_depth", "gauge", "Clips and NLP requests waiting for the inference worker.")
        out += "tao_inference_queue_depth \(snapshot.queueDepth)\n"
        return out
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private static func escape(_ text: some StringProtocol) -> String {
        String(text).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
