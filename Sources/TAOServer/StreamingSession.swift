import Foundation
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import TAOAudio
import TAOToolkit

/// One `GET /v1/asr:stream` WebSocket: a config message, then binary audio and `{"flush": true}` /
/// `{"eof": true}` control messages; results go back as `{"results": [...]}` text messages.
///
/// Audio is cut into utterances by `SpeechSegmenter` as it arrives; each utterance's final result is decoded
/// with the offline path, so the finals of a stream equal the offline results of the same audio. While an
/// utterance continues, interim results re-decode it (greedily) every `interimInterval` seconds of audio, at
/// most one at a time per stream.
final class StreamingSession {
    let service: SpeechService
    let configuration: ServerConfiguration
    let logger: Logger
    private let sender: StreamSender

    private var plan: RecognitionPlan?
    private var streamConfig: StreamingConfig?
    private var decoder: RawAudioDecoder?
    private var converter: SampleRateConverter?
    private var segmenter: SpeechSegmenter?
    private var samplesSinceInterim = 0
    private var earlyInterimSent = false
    private var interimTask: Task<Void, Never>?

    init(service: SpeechService, configuration: ServerConfiguration, outbound: WebSocketOutboundWriter, logger: Logger) {
        self.service = service
        self.configuration = configuration
        self.logger = logger
        sender = StreamSender(outbound: outbound, metrics: service.metrics)
    }

    /// Reads messages until eof, a close, an error or the idle timeout.
    func run(_ inbound: WebSocketInboundStream) async throws {
        // Also when the stream ends by an error or is cancelled (its client gone): the interim decode is unstructured.
        defer { interimTask?.cancel() }
        let audioSeconds = Locked(0.0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [sender, configuration] in
                // Watchdog: a stream whose audio falls idleTimeout seconds behind the clock (silent, or trickling a
                // few bytes to look alive while it holds a stream slot), or that stays open much longer than its
                // audio limit allows, is closed.
                let opened = Date(), longest = configuration.maxStreamSeconds * 1.5 + configuration.idleTimeout
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(250))
                    if Date().timeIntervalSince(opened) - audioSeconds.current > configuration.idleTimeout {
                        await sender.fail(.timeout("the stream's audio fell \(Int(configuration.idleTimeout)) s behind real time "
                                                   + "(a stream sends its audio as it is spoken, or faster); stream closed"))
                        return
                    }
                    if Date().timeIntervalSince(opened) > longest {
                        await sender.fail(.timeout("the stream was open for over \(Int(longest)) s; stream closed"))
                        return
                    }
                }
            }
            defer { group.cancelAll() }
            do {
                for try await message in inbound.messages(maxSize: configuration.maxMessageBytes) {
                    let keepGoing: Bool
                    do {
                        keepGoing = try await handle(message)
                        audioSeconds.withLock { $0 = converter?.inputSeconds ?? 0 }
                    } catch let error as ServerError {
                        logger.info("stream error: \(error)")
                        await sender.fail(error)
                        break
                    }
                    if !keepGoing { break }
                    if await sender.isClosed { break }
                }
            } catch {
                guard let code = Self.protocolCloseCode(of: error) else { throw error }
                logger.info("stream protocol error: \(error)")
                await sender.fail(protocolError(code), closeCode: code)
            }
            interimTask?.cancel()
            await interimTask?.value
        }
    }

    /// The close code of a WebSocket protocol error from the frame layer (its error type is not public: the code is
    /// its payload), nil for other errors.
    static func protocolCloseCode(of error: Error) -> WebSocketErrorCode? {
        Mirror(reflecting: error).children.lazy.compactMap { $0.value as? WebSocketErrorCode }.first
    }

    /// What a client that broke the WebSocket protocol is told.
    private func protocolError(_ code: WebSocketErrorCode) -> ServerError {
        switch code {
        case .messageTooLarge:
            .tooLarge("a message over \(configuration.maxMessageBytes) bytes (the server's --max-message-bytes); send smaller messages")
        case .dataInconsistentWithMessage:
            .invalidArgument("a text message that is not valid UTF-8")
        default:
            .invalidArgument("WebSocket protocol error (a continuation frame outside a fragmented message, or a new message inside one)")
        }
    }

    /// Handles one message; false once the stream is done (eof).
    private func handle(_ message: WebSocketMessage) async throws -> Bool {
        switch message {
        case let .binary(buffer):
            guard streamConfig != nil else {
                throw ServerError.invalidArgument("binary audio before the config message (send {\"streaming_config\": {...}} first)")
            }
            try await accept(audio: Array(buffer.readableBytesView))
            return true
        case let .text(text):
            guard streamConfig != nil else {
                try configure(text)
                return true
            }
            return try await control(text)
        }
    }

    private func configure(_ text: String) throws {
        let config = try StreamingConfig(json: JSONObject(parsing: Data(text.utf8), name: "config message"))
        let plan = try RecognitionPlan(config: config.config, repository: service.repository)
        let rate = plan.model.recognizer.sampleRate
        converter = try SampleRateConverter(from: config.audioFormat.sampleRate, to: rate)
        decoder = RawAudioDecoder(format: config.audioFormat)
        segmenter = SpeechSegmenter(config: config.endpointing, sampleRate: rate, maxSegmentSeconds: configuration.maxSegmentSeconds)
        self.plan = plan
        streamConfig = config
    }

    /// `{"flush": true}` or `{"eof": true}`; anything else gets an error message and the stream goes on.
    private func control(_ text: String) async throws -> Bool {
        let object: JSONObject
        do {
            object = try JSONObject(parsing: Data(text.utf8), name: "control message")
            if object.has("streaming_config") {
                throw ServerError.invalidArgument("this stream already has its config (one per stream); send audio, "
                                                  + "{\"flush\": true} or {\"eof\": true}, or open a new stream for another config")
            }
            try object.checkKeys(["flush", "eof"])
        } catch let error as ServerError {
            await sender.sendError(error)
            return true
        }
        let eof = (try? object.bool("eof")) ?? nil, flush = (try? object.bool("flush")) ?? nil
        if eof == true {
            try await finalize(endOfStream: true)
            await sender.close()
            return false
        }
        if flush == true {
            try await finalize(endOfStream: false)
            return true
        }
        await sender.sendError(.invalidArgument("control message: expected {\"flush\": true} or {\"eof\": true}"))
        return true
    }

    private func accept(audio bytes: [UInt8]) async throws {
        guard var decoder, let converter, var segmenter, let plan else { return }
        let samples: [Float]
        do {
            samples = try converter.process(try decoder.decode(bytes))
        } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError.invalidArgument("stream audio: \(error)")
        }
        self.decoder = decoder
        if converter.inputSeconds > configuration.maxStreamSeconds {
            throw ServerError.tooLarge(String(format: "the stream passed %.0f s of audio, the limit (stream again to go on)", configuration.maxStreamSeconds))
        }
        let completed = segmenter.append(samples)
        self.segmenter = segmenter
        service.metrics.recordAudio(seconds: Double(bytes.count / max(decoder.frameBytes, 1)) / Double(converter.inputRate), mode: "streaming")
        for segment in completed { try await sendFinal(segment, plan: plan) }
        samplesSinceInterim += samples.count
        scheduleInterim(plan: plan)
    }

    /// Ends the current utterance (flush or eof) and sends its final result; an empty final when none is open.
    private func finalize(endOfStream: Bool) async throws {
        guard var segmenter, let converter, let plan else {
            if endOfStream { return }
            throw ServerError.invalidArgument("flush before the config message")
        }
        var completed: [SpeechSegmenter.Segment] = []
        if endOfStream {
            completed += segmenter.append(try converter.finish())
        }
        if let last = segmenter.finish() { completed.append(last) }
        self.segmenter = segmenter
        if completed.isEmpty {
            let processed = Double(segmenter.sampleCount) / Double(plan.model.recognizer.sampleRate)
            await sender.sendFinal(RecognitionResult(alternatives: [RecognitionAlternative(transcript: "", confidence: 0, words: [])],
                                                     audioProcessed: processed, isFinal: true, stability: 1), started: Date())
        }
        for segment in completed { try await sendFinal(segment, plan: plan) }
    }

    private func sendFinal(_ segment: SpeechSegmenter.Segment, plan: RecognitionPlan) async throws {
        let started = Date()
        let result = try await service.finalResult(for: segment, plan: plan, streaming: true)
        await sender.sendFinal(result, started: started)
        samplesSinceInterim = 0
        earlyInterimSent = false
    }

    /// Starts an interim decode of the open utterance when enough new audio arrived (or its end seems near) and
    /// none is running.
    private func scheduleInterim(plan: RecognitionPlan) {
        guard streamConfig?.interimResults == true, let segmenter, let utterance = segmenter.currentUtterance else { return }
        let rate = plan.model.recognizer.sampleRate
        let due = Double(samplesSinceInterim) >= configuration.interimInterval * Double(rate)
        let early = segmenter.earlyEndOfUtterance && !earlyInterimSent
        guard due || early, interimDone.current else { return }
        samplesSinceInterim = 0
        if early { earlyInterimSent = true }
        interimDone.withLock { $0 = false }
        let generation = sender.generationSnapshot
        let processed = Double(segmenter.sampleCount) / Double(rate)
        interimTask = Task { [service, sender, interimDone] in
            defer { interimDone.withLock { $0 = true } }
            guard let hypotheses = try? await service.recognize(utterance.samples, model: plan.model, options: plan.interimDecoding,
                                                                priority: .interim) else { return }
            let offset = Double(utterance.start) / Double(rate)
            let alternatives = hypotheses.map { RecognitionAlternative($0, offset: offset, withWords: plan.config.enableWordTimeOffsets) }
            await sender.sendInterim(alternatives, audioProcessed: processed, generation: generation)
        }
    }

    private let interimDone = Locked(true)

    /// The error the stream was closed with, if any.
    var failure: ServerError? { get async { await sender.failure } }

    /// Refuses the stream (no API key, the cap reached, draining): closes it with `error` once the client has sent
    /// its first message, or after a second. A close sent on the heels of the upgrade's answer can reach a client
    /// that is still setting its connection up, and Hummingbird's WebSocket client (the one `tao client` uses) then
    /// never sees it and waits forever.
    func refuse(_ error: ServerError, inbound: WebSocketInboundStream) async {
        let deadline = Task { [sender] in
            guard (try? await Task.sleep(for: .seconds(1))) != nil else { return }
            await sender.fail(error)
        }
        var messages = inbound.messages(maxSize: configuration.maxMessageBytes).makeAsyncIterator()
        _ = try? await messages.next()
        deadline.cancel()
        await sender.fail(error)
    }
}

/// Serializes a stream's outgoing messages: finals in order, interim results only while their utterance is
/// still open (a late interim after its final is dropped), nothing after close.
actor StreamSender {
    private let outbound: WebSocketOutboundWriter
    private let metrics: ServerMetrics
    private var closed = false
    /// The error the stream was closed with.
    private(set) var failure: ServerError?
    private var previousInterim: [String] = []
    /// Finals sent so far; an interim belongs to the utterance after the last final it saw.
    private let generation = Locked(0)

    init(outbound: WebSocketOutboundWriter, metrics: ServerMetrics) {
        self.outbound = outbound
        self.metrics = metrics
    }

    nonisolated var generationSnapshot: Int { generation.current }
    var isClosed: Bool { closed }

    func sendFinal(_ result: RecognitionResult, started: Date) async {
        generation.withLock { $0 += 1 }
        previousInterim = []
        await write(RecognitionResponse(results: [result]).json())
        metrics.recordFinalLatency(Date().timeIntervalSince(started))
    }

    func sendInterim(_ alternatives: [RecognitionAlternative], audioProcessed: Double, generation expected: Int) async {
        guard !closed, generation.current == expected else { return }
        // Stability: the share of this interim's words that the previous interim already had in the same place.
        let words = alternatives.first?.transcript.split(separator: " ").map(String.init) ?? []
        let kept = zip(words, previousInterim).prefix { $0 == $1 }.count
        let stability = words.isEmpty ? 0 : Double(kept) / Double(words.count)
        previousInterim = words
        let result = RecognitionResult(alternatives: alternatives, audioProcessed: (audioProcessed * 1000).rounded() / 1000,
                                       isFinal: false, stability: (stability * 100).rounded() / 100)
        await write(RecognitionResponse(results: [result]).json())
    }

    /// An error message; the stream stays open.
    func sendError(_ error: ServerError) async {
        await write(error.jsonBody)
    }

    /// An error message, then the close code that goes with it (or `closeCode` for a WebSocket protocol error).
    func fail(_ error: ServerError, closeCode: WebSocketErrorCode? = nil) async {
        guard !closed else { return }
        await write(error.jsonBody)
        failure = error
        closed = true
        try? await outbound.close(closeCode ?? .init(codeNumber: Int(error.webSocketCloseCode)), reason: error.closeReason)
    }

    /// A normal close (after eof).
    func close() async {
        guard !closed else { return }
        closed = true
        try? await outbound.close(.normalClosure, reason: "eof")
    }

    private func write(_ data: Data) async {
        guard !closed else { return }
        do {
            try await outbound.write(.text(String(decoding: data, as: UTF8.self)))
        } catch {
            closed = true
        }
    }
}
