import Foundation
import Hummingbird
import Logging
import HummingbirdTesting
import TAOAudio
import Testing
@testable import TAOServer

/// The checkout's root (tests run from a checkout: the shipped model and audio fixtures live there).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let audioFixtures = repositoryRoot.appendingPathComponent("audio-fixtures")

/// The shipped speech model and its LM, loaded once for every test.
let sharedRepository: ModelRepository = {
    do {
        return try ModelRepository(directory: repositoryRoot.appendingPathComponent("models/citrinet_char"))
    } catch {
        preconditionFailure("models/citrinet_char cannot be loaded: \(error)")
    }
}()

/// A service over the shared models with `adjust` applied to a default configuration.
func makeService(logger: Logger = Logger(label: "tao.serve"), _ adjust: (inout ServerConfiguration) -> Void = { _ in }) -> TAOService {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.threads = 2
    adjust(&configuration)
    return TAOService(configuration: configuration, repository: sharedRepository, logger: logger)
}

/// A log that keeps the level and text of every message, for tests of what the server logs.
struct CapturedLog: LogHandler {
    let lines = Locked<[(level: Logger.Level, message: String)]>([])
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.withLock { $0.append((event.level, "\(event.message)")) }
    }
}

/// One service shared by the tests that need no special configuration.
let sharedService = makeService()

func fixtureBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: audioFixtures.appendingPathComponent(name)))
}

/// A fixture's samples at 16 kHz, mono.
func fixtureSamples(_ name: String) throws -> [Float] {
    try AudioFile.read(audioFixtures.appendingPathComponent(name), resamplingTo: 16000).samples
}

/// Little-endian 16-bit PCM of samples in [-1, 1).
func pcm16(_ samples: [Float]) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(samples.count * 2)
    for sample in samples {
        let value = Int16(max(-32768, min(32767, (sample * 32768).rounded())))
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }
    return bytes
}

/// Several fixtures one after another with `gap` seconds of silence between and around them (16 kHz).
func concatenated(_ names: [String], gap: Double = 1.0) throws -> [Float] {
    let silence = [Float](repeating: 0, count: Int(gap * 16000))
    var samples = silence
    for name in names { samples += try fixtureSamples(name) + silence }
    return samples
}

/// A response body parsed as a JSON object.
func jsonObject(_ buffer: ByteBuffer) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
}

/// The transcripts of a RecognizeResponse body's results (best alternative each).
func transcripts(_ body: [String: Any]) -> [String] {
    ((body["results"] as? [[String: Any]]) ?? []).map {
        (($0["alternatives"] as? [[String: Any]])?.first?["transcript"] as? String) ?? ""
    }
}

/// The error object of an error body.
func errorObject(_ buffer: ByteBuffer) -> [String: Any] {
    jsonObject(buffer)["error"] as? [String: Any] ?? [:]
}

/// The suites that run the speech model, one after another: they share one model (and its lock), so running them
/// side by side only makes each request wait longer (a debug build runs the model at about real time).
@Suite(.serialized) struct ModelTests {}

/// Polls `condition` every 5 ms for up to 10 s.
func waitUntil(_ condition: () -> Bool) async throws {
    for _ in 0..<2000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
}

/// A text model that holds the inference worker until its gate opens (classify_text and punctuate_text), counting
/// the calls that started: for tests of a busy queue.
final class GatedTextModel: TextModel, @unchecked Sendable {
    let name = "gated"
    let task = "text_classification"
    let textTasks: Set<TextTask> = [.classifyText, .punctuateText]
    var details: [String: Any] { [:] }
    let calls = Locked(0)
    let gate = DispatchSemaphore(value: 0)

    func classifyText(_ texts: [String], topN: Int) throws -> [[TextLabel]] {
        hold()
        return texts.map { _ in [TextLabel(name: "any", score: 1)] }
    }

    func punctuate(_ texts: [String]) throws -> [String] {
        hold()
        return texts
    }

    /// Opens the gate for every call a test may have left waiting (in a `defer`, so a failing test frees the worker).
    func releaseAll() { for _ in 0..<4 { gate.signal() } }

    private func hold() {
        calls.withLock { $0 += 1 }
        // Bounded, so that a failing test cannot block the worker for ever.
        _ = gate.wait(timeout: .now() + 30)
    }
}

/// A service over a `GatedTextModel` (and `others`), text batches sent without waiting, with `adjust` applied.
func gatedService(with others: [any ServedModel] = [], _ adjust: (inout ServerConfiguration) -> Void = { _ in })
    -> (TAOService, GatedTextModel) {
    let model = GatedTextModel()
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.textBatchWait = 0
    adjust(&configuration)
    return (TAOService(configuration: configuration, repository: ModelRepository(models: others + [model])), model)
}
