import Foundation
import TAOAudio
import TAOServer

/// `tao-bench serve`: the service over loopback (server and clients in this process, as on one machine).
///
/// 1. Offline: `--clients` (default 4) clients POST the audio fixtures to /v1/asr:recognize back to back for
///    `--seconds` (default 10): requests/s and audio-seconds/s.
/// 2. Streaming: for N = 1, 2, 4, 8, 12, 16, 20, 24, 32 (or `--streams a,b,c`), N clients each stream about
///    `--audio` seconds (default 12: the fixtures with 0.6 s pauses, each client starting at a different fixture,
///    ending right after speech) as 16-bit PCM in 100 ms messages at real-time pace, then eof; client i starts
///    `--stagger` (default 1) x i/N s after the first (0: all at once, the worst case for the eof latency). A stream keeps up when it ends within 1 s of its audio's duration, with no error. Reported per N: the median and p95 latency from eof to the final result,
///    and whether every stream kept up; the largest N that kept up is the last line. Stops after the first N
///    that fails or when `--budget` seconds (default 240) are spent.
/// First, what one utterance costs (forward pass, decoding). Options: `--models DIR` (default models/citrinet_char),
/// `--threads N`, `--components-only`. With `--nlp-models DIR`, the NLP figure instead (`NLPServeBench`).
enum ServeBench {
    static func run(_ arguments: [String]) throws {
        let options = try BenchOptions(
            arguments, flags: ["--models", "--threads", "--seconds", "--clients", "--audio", "--budget", "--stagger", "--streams",
                               "--nlp-models", "--max-text-batch"], switches: ["--components-only"],
            usage: "tao-bench serve [--models models/citrinet_char] [--threads N] [--seconds 10] [--clients 4] [--audio 12] [--budget 240] "
                + "[--stagger 1] [--streams 1,2,4,...] [--components-only], or tao-bench serve --nlp-models DIR [--threads N] "
                + "[--seconds 10] [--clients 8] [--max-text-batch N]")
        if let models = options.string("--nlp-models") { return try NLPServeBench.run(options, models: models) }
        let models = options.string("--models") ?? "models/citrinet_char"
        let threads = try options.integer("--threads", default: ProcessInfo.processInfo.activeProcessorCount)
        let seconds = try options.number("--seconds", default: 10)
        let clients = try options.integer("--clients", default: 4)
        let audioSeconds = try options.number("--audio", default: 12)
        let budget = try options.number("--budget", default: 240)
        let stagger = try options.number("--stagger", default: 1)
        let counts = try options.integers("--streams", default: [1, 2, 4, 8, 12, 16, 20, 24, 32])
        let fixtures = URL(fileURLWithPath: models).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("audio-fixtures")

        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.threads = threads
        configuration.maxStreams = 256
        let repository = try ModelRepository(directory: URL(fileURLWithPath: models))
        let service = TAOService(configuration: configuration, repository: repository)
        let files = try FileManager.default.contentsOfDirectory(atPath: fixtures.path)
            .filter { $0.hasSuffix(".wav") || $0.hasSuffix(".flac") || $0.hasSuffix(".ogg") }.sorted().map { fixtures.appendingPathComponent($0) }
        guard !files.isEmpty else { throw BenchFailure(description: "\(fixtures.path): no audio fixtures") }
        let clips = try files.map { try AudioFile.read($0, resamplingTo: 16000).samples }
        let streamAudio = (0..<clips.count).map { longAudio(clips, seconds: audioSeconds, rotation: $0) }

        try components(repository, audio: streamAudio[0], threads: threads)
        if options.isSet("--components-only") { return }
        try blockingBench {
            let port = Locked(0)
            let server = Task { try await service.runUntilSignalled { port.set($0) } }
            while port.get() == 0 { try await Task.sleep(for: .milliseconds(20)) }
            let client = TAOClient(baseURL: "http://127.0.0.1:\(port.get())")
            try await offline(client, files: files, clients: clients, seconds: seconds, threads: threads)
            let started = Date()
            var best = 0
            for count in counts {
                if Date().timeIntervalSince(started) > budget { break }
                let keptUp = try await streams(client, count: count, audio: streamAudio, stagger: stagger, threads: threads)
                if !keptUp { break }
                best = count
            }
            print("{\"bench\": \"serve real-time streams kept up (largest N)\", \"threads\": \(threads), \"throughput\": \(best), \"unit\": \"streams\"}")
            server.cancel()
            service.stop()
        }
    }

    /// What one utterance costs: the forward pass (batch 1 and 8) and decoding (greedy, beam + LM), on 3 s of audio.
    static func components(_ repository: ModelRepository, audio: [Float], threads: Int) throws {
        guard let model = repository.models.compactMap({ $0 as? SpeechModelEntry }).first else { return }
        let clip = Array(audio.prefix(48_000))
        for batch in [1, 8] {
            let clips = Array(repeating: clip, count: batch)
            try BenchReport.measure("serve forward pass, batch \(batch) x 3 s", threads: threads, work: 3.0 * Double(batch),
                                    unit: "audio-seconds/s") { _ = try model.recognizer.logProbabilities(ofBatch: clips) }.print()
        }
        let output = try model.recognizer.logProbabilities(ofBatch: [clip])[0]
        BenchReport.measure("serve greedy decoding, 3 s", threads: 1, work: 3, unit: "audio-seconds/s") {
            _ = model.recognizer.decode(output, options: .init(strategy: .greedy))
        }.print()
        let beam = model.defaultDecoding
        BenchReport.measure("serve beam \(beam.beamWidth) + LM decoding, 3 s", threads: 1, work: 3, unit: "audio-seconds/s") {
            _ = model.recognizer.decode(output, options: beam)
        }.print()
    }

    /// `clients` clients posting fixtures back to back for `seconds`.
    static func offline(_ client: TAOClient, files: [URL], clients: Int, seconds: Double, threads: Int) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        let audio = try files.map { try AudioFile.info($0).duration }
        let started = Date()
        let latencies = try await withThrowingTaskGroup(of: [(Double, Double)].self) { group in
            for worker in 0..<clients {
                group.addTask {
                    var done: [(Double, Double)] = [], index = worker
                    while Date() < deadline {
                        let file = index % files.count
                        let start = Date()
                        _ = try await client.recognize(file: files[file])
                        done.append((Date().timeIntervalSince(start), audio[file]))
                        index += clients
                    }
                    return done
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let elapsed = Date().timeIntervalSince(started)
        let times = latencies.map(\.0).sorted()
        guard !times.isEmpty else { return }
        let audioTotal = latencies.reduce(0) { $0 + $1.1 }
        print(json(["bench": "serve offline recognize, \(clients) clients, fixtures (\(latencies.count) requests)", "threads": threads,
                    "median_s": times[times.count / 2], "min_s": times[0], "max_s": times[times.count - 1],
                    "p95_s": percentile(times, 0.95), "throughput": Double(latencies.count) / elapsed, "unit": "requests/s",
                    "audio_seconds_per_s": audioTotal / elapsed]))
    }

    /// `count` real-time streams at once, stream i sending `audio[i % audio.count]` and starting `stagger` * i/count
    /// seconds after the first (independent clients neither start nor stop speaking in step); whether every one
    /// kept up.
    static func streams(_ client: TAOClient, count: Int, audio: [[Float]], stagger: Double, threads: Int) async throws -> Bool {
        let outcomes = try await withThrowingTaskGroup(of: (TAOClient.StreamOutcome, Double).self) { group in
            for index in 0..<count {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int(stagger * 1000) * index / max(count, 1)))
                    let samples = audio[index % audio.count]
                    return (try await client.stream(samples: samples, sampleRate: 16000, realtime: true), Double(samples.count) / 16000)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let latencies = outcomes.compactMap(\.0.eofToFinal).sorted()
        let failures = outcomes.filter { $0.0.error != nil || $0.0.eofToFinal == nil }.count
        let lag = outcomes.map { $0.0.wallSeconds - $0.1 }.max() ?? 0
        let keptUp = failures == 0 && lag <= 1.0
        let seconds = outcomes.reduce(0) { $0 + $1.1 } / Double(max(count, 1))
        print(json(["bench": "serve \(count) real-time streams of \(String(format: "%.1f", seconds)) s, eof to final", "threads": threads,
                    "median_s": latencies.isEmpty ? 0 : latencies[latencies.count / 2], "min_s": latencies.first ?? 0,
                    "max_s": latencies.last ?? 0, "p95_s": percentile(latencies, 0.95), "throughput": Double(count), "unit": "streams",
                    "kept_up": keptUp, "failed_streams": failures, "largest_lag_s": lag,
                    "interims_per_stream": Double(outcomes.map(\.0.interims).reduce(0, +)) / Double(max(count, 1))]))
        return keptUp
    }

    /// The fixtures at 16 kHz, starting with fixture `rotation`, one after another with 0.6 s pauses, as many as
    /// fit in `seconds` (at least one), ending where the last utterance ends (eof right after speech: the final
    /// then needs the whole last utterance decoded).
    static func longAudio(_ clips: [[Float]], seconds: Double, rotation: Int = 0) -> [Float] {
        let pause = [Float](repeating: 0, count: 9600)
        var samples: [Float] = []
        var index = rotation
        repeat {
            let clip = clips[index % clips.count]
            if !samples.isEmpty && samples.count + pause.count + clip.count > Int(seconds * 16000) { break }
            samples += (samples.isEmpty ? [] : pause) + clip
            index += 1
        } while samples.count < Int(seconds * 16000)
        return samples
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    static func json(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
}

/// A value shared between the benchmark's tasks.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func set(_ newValue: Value) { lock.lock(); value = newValue; lock.unlock() }
    func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
}

/// Runs async benchmark code from the synchronous entry point.
func blockingBench(_ body: @escaping @Sendable () async throws -> Void) throws {
    let done = DispatchSemaphore(value: 0)
    let failure = Locked<Error?>(nil)
    Task {
        do { try await body() } catch { failure.set(error) }
        done.signal()
    }
    done.wait()
    if let error = failure.get() { throw error }
}
