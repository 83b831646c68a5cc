import Foundation
import TAOServer

/// `tao-bench serve --nlp-models DIR`: `--clients` (default 8) clients POST ATIS queries to /v1/nlp:analyze_intent
/// back to back for `--seconds` (default 10) over loopback: requests/s, latency, and the mean number of requests the
/// server answered per model call (from /metrics). `--max-text-batch 1` runs every request alone, for comparison.
enum NLPServeBench {
    static let queries = [
        "show me flights from boston to denver", "what is the cheapest fare from dallas to baltimore on tuesday",
        "i need a flight to san francisco tomorrow morning", "which airlines fly from pittsburgh to atlanta",
        "list ground transportation in washington", "what does fare code y mean",
        "flights from new york to miami arriving before noon on the first of july", "how far is the airport from downtown denver",
    ]

    static func run(_ options: BenchOptions, models: String) throws {
        let threads = try options.integer("--threads", default: ProcessInfo.processInfo.activeProcessorCount)
        let seconds = try options.number("--seconds", default: 10)
        let clients = try options.integer("--clients", default: 8)
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.threads = threads
        configuration.maxTextBatch = try options.integer("--max-text-batch", default: configuration.maxTextBatch)
        let maxTextBatch = configuration.maxTextBatch
        let service = TAOService(configuration: configuration, repository: try ModelRepository(directory: URL(fileURLWithPath: models)))
        try blockingBench {
            let port = Locked(0)
            let server = Task { try await service.runUntilSignalled { port.set($0) } }
            while port.get() == 0 { try await Task.sleep(for: .milliseconds(20)) }
            let client = TAOClient(baseURL: "http://127.0.0.1:\(port.get())")
            let bodies = try queries.map { try JSONSerialization.data(withJSONObject: ["query": $0]) }
            _ = try await client.postJSON("/v1/nlp:analyze_intent", body: bodies[0])
            let deadline = Date().addingTimeInterval(seconds), started = Date()
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for worker in 0..<clients {
                    group.addTask {
                        var done: [Double] = [], index = worker
                        while Date() < deadline {
                            let start = Date()
                            _ = try await client.postJSON("/v1/nlp:analyze_intent", body: bodies[index % bodies.count])
                            done.append(Date().timeIntervalSince(start))
                            index += 1
                        }
                        return done
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }.sorted()
            let elapsed = Date().timeIntervalSince(started)
            let metrics = String(decoding: try await client.get("/metrics"), as: UTF8.self)
            func metric(_ name: String) -> Double {
                metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            }
            print(ServeBench.json(["bench": "serve analyze_intent, \(clients) clients (\(latencies.count) requests)", "threads": threads,
                                   "max_text_batch": maxTextBatch, "median_s": latencies.isEmpty ? 0 : latencies[latencies.count / 2],
                                   "p95_s": ServeBench.percentile(latencies, 0.95), "throughput": Double(latencies.count) / elapsed,
                                   "unit": "requests/s",
                                   "requests_per_model_call": metric("tao_text_batch_size_sum") / max(metric("tao_text_batch_size_count"), 1)]))
            server.cancel()
            service.stop()
        }
    }
}
