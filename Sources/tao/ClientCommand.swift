import ArgumentParser
import Dispatch
import Foundation
import TAOAudio
import TAOServer

/// `tao client`: talk to a running `tao serve`.
struct ClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Call a running 'tao serve': recognize a file (offline or streamed), or run an NLP task.",
        subcommands: [ClientRecognizeCommand.self, ClientNLPCommand.self]
    )
}

/// Where the server is and its key.
struct ServerOptions: ParsableArguments {
    @Option(help: "The server's base URL.")
    var url = "http://127.0.0.1:8009"
    @Option(name: .customLong("api-key"), help: "The server's API key (default: $TAO_API_KEY).")
    var apiKey: String?

    var client: TAOClient {
        TAOClient(baseURL: url, apiKey: apiKey ?? ProcessInfo.processInfo.environment["TAO_API_KEY"].flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// `tao client recognize FILE [--stream] [--realtime] [--url U]`.
struct ClientRecognizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recognize",
        abstract: "Transcribe an audio file: POST /v1/asr:recognize, or stream it over WebSocket with --stream.",
        discussion: "Prints the transcript; --json prints the server's responses. Streaming prints interim results as they come (on a terminal) and each final on its own line."
    )

    @Argument(help: "An audio file (WAV, FLAC, OGG, ...).")
    var file: String
    @Flag(help: "Stream over WebSocket (GET /v1/asr:stream) instead of one POST.")
    var stream = false
    @Flag(help: "With --stream: send the audio at the pace it plays, as a microphone would.")
    var realtime = false
    @Flag(help: "Print the server's JSON responses.")
    var json = false
    @Flag(name: .customLong("word-times"), help: "Ask for word start/end times.")
    var wordTimes = false
    @Option(help: "Decoder: greedy or beam (default: the server's).")
    var decoder: String?
    @OptionGroup var server: ServerOptions

    func run() throws {
        let client = server.client
        let url = URL(fileURLWithPath: file)
        var query: [String: String] = [:]
        if wordTimes { query["enable_word_time_offsets"] = "true" }
        if let decoder { query["custom_configuration.decoder"] = decoder }
        let json = json, stream = stream, realtime = realtime, decoder = decoder, parameters = query
        try blocking {
            if !stream {
                let data = try await client.recognize(file: url, query: parameters)
                if json { print(String(decoding: data, as: UTF8.self)); return }
                print(Self.transcripts(data).joined(separator: " "))
                return
            }
            let clip = try AudioFile.read(url)
            let terminal = isatty(STDOUT_FILENO) == 1 && !json
            var extra: [String: Any] = [:]
            if parameters["enable_word_time_offsets"] != nil { extra["enable_word_time_offsets"] = true }
            if let decoder { extra["custom_configuration"] = ["decoder": decoder] }
            let outcome = try await client.stream(samples: clip.samples, sampleRate: clip.sampleRate, realtime: realtime, config: extra) { text in
                if json { say(text + "\n"); return }
                for result in Self.results(Data(text.utf8)) {
                    if result.isFinal {
                        say((terminal ? "\r\u{1B}[K" : "") + result.transcript + "\n")
                    } else if terminal {
                        say("\r\u{1B}[K" + result.transcript)
                    }
                }
            }
            if let error = outcome.error { throw TAOClient.Failure(description: error) }
        }
    }

    static func transcripts(_ data: Data) -> [String] { results(data).map(\.transcript) }

    static func results(_ data: Data) -> [(transcript: String, isFinal: Bool)] {
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        return (object?["results"] as? [[String: Any]] ?? []).map {
            ((($0["alternatives"] as? [[String: Any]])?.first?["transcript"] as? String) ?? "", $0["is_final"] as? Bool ?? true)
        }
    }
}

/// `tao client nlp TASK "text"`.
struct ClientNLPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nlp",
        abstract: "Run an NLP task on text: classify_text, classify_tokens, analyze_intent or punctuate_text.",
        discussion: "Prints the server's JSON response."
    )

    @Argument(help: "classify_text, classify_tokens, analyze_intent or punctuate_text.")
    var task: String
    @Argument(help: "The text.")
    var text: String
    @Option(help: "The model's name (default: the server's model for the task).")
    var model: String?
    @OptionGroup var server: ServerOptions

    func run() throws {
        let tasks = ["classify_text", "classify_tokens", "analyze_intent", "punctuate_text"]
        guard tasks.contains(task) else {
            throw UsageError.unknownName(kind: "NLP task", name: task, valid: tasks, context: "tao client nlp")
        }
        var body: [String: Any] = task == "analyze_intent" ? ["query": text] : ["text": [text]]
        if let model { body["model"] = model }
        let client = server.client, path = "/v1/nlp:\(task)"
        let json = try JSONSerialization.data(withJSONObject: body)
        try blocking {
            let data = try await client.postJSON(path, body: json)
            print(String(decoding: data, as: UTF8.self))
        }
    }
}

/// Writes to standard output at once (interim results overwrite each other on a terminal).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// Runs async work from a synchronous command and waits for it.
func blocking(_ body: @escaping @Sendable () async throws -> Void) throws {
    let done = DispatchSemaphore(value: 0)
    let failure = Locked<Error?>(nil)
    Task {
        do { try await body() } catch { failure.set(error) }
        done.signal()
    }
    done.wait()
    if let error = failure.get() { throw error }
}
