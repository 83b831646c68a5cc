import Foundation
import TAOToolkit

/// Runs the models off the event loops: one worker thread takes waiting work, batches clips of the same speech model
/// and similar length into one forward pass, batches the texts of concurrent requests to the same text model and
/// task into one call, and hands each caller its own results. Bounded: a full queue refuses work at once
/// (`ServerError.overloaded`, 503) instead of letting latency grow without limit; an offline recognition is let in
/// or refused as a whole, when it arrives, as a stream is by its slot. Final clips go first, then text requests, then interim clips; interim
/// work is the first shed when the queue is long.
final class InferenceQueue: @unchecked Sendable {
    /// A final clip goes before interim ones; finals go in the order of their `since`: an offline request's clips
    /// carry the request's arrival, so under load the earliest requests finish (rather than all of them advancing
    /// clip by clip and missing their deadlines together), and a stream's carry their own.
    enum Priority: Sendable {
        /// A final clip of work already let in (an offline request by `admitRequest`, a stream by its slot): never
        /// refused for a full queue, so that no request fails half done, its first clips computed for nothing.
        case final(since: Date)
        /// An interim clip of a stream: shed first, once the queue is half full.
        case interim
    }

    /// Clips batched together at most.
    let maxBatch: Int
    /// Samples in one batch at most (bounds the memory of a forward pass).
    let maxBatchSamples: Int
    /// Waiting clips and text requests at most.
    let capacity: Int
    /// Texts in one call of a text model at most (a single larger request still goes alone).
    let maxTextBatch: Int
    /// How long a text request may wait for others to join its batch, seconds (when the worker is free).
    let textBatchWait: Double
    private let metrics: ServerMetrics?

    /// Queued work that can be failed without running it.
    private protocol DroppableWork { func fail(_ error: ServerError) }

    private struct Job: DroppableWork {
        let recognizer: SpeechRecognizer
        let samples: [Float]
        let ticket: QueueTicket<CTCOutput>
        let enqueued: Date
        /// Where the clip stands among the finals (see `Priority`).
        let order: Date

        func fail(_ error: ServerError) { ticket.resume(with: .failure(error)) }
    }

    private let condition = NSCondition()
    private var finals: [Job] = []
    private var interims: [Job] = []
    private struct TextJob: DroppableWork {
        let model: any TextModel
        let request: TextRequest
        let ticket: QueueTicket<TextAnswer>
        let enqueued: Date

        func fail(_ error: ServerError) { ticket.resume(with: .failure(error)) }
    }

    private var textJobs: [TextJob] = []
    private var stopped = false
    /// Seconds of audio of the offline requests let in and not yet done.
    private var admittedAudio = 0.0
    /// Seconds of audio the worker recognizes per second, a moving average over its batches; nil before the first.
    private var speed: Double?

    init(capacity: Int = 256, maxBatch: Int = 16, maxBatchSamples: Int = 16_000 * 120, maxTextBatch: Int = 64,
         textBatchWait: Double = 0.002, metrics: ServerMetrics? = nil) {
        self.capacity = max(capacity, 1)
        self.maxBatch = max(maxBatch, 1)
        self.maxBatchSamples = max(maxBatchSamples, 1)
        self.maxTextBatch = max(maxTextBatch, 1)
        self.textBatchWait = max(textBatchWait, 0)
        self.metrics = metrics
        // The thread holds the queue until `stop` lets it finish (the service stops it when it goes away).
        let thread = Thread { self.run() }
        thread.name = "tao-inference"
        thread.stackSize = 16 << 20
        thread.start()
    }

    /// Clips and text requests waiting now.
    var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiting
    }

    /// Clips and text requests waiting (with the lock held).
    private var waiting: Int { finals.count + interims.count + textJobs.count }

    /// Lets an offline request of `audioSeconds` in as a whole, its clips then queued as finals; the closure returned
    /// is called once, when it has ended. Throws `overloaded` when the queue is full now, or when the audio of the
    /// requests let in before it, at the worker's recent speed, would keep it waiting past `deadline` seconds (it
    /// would time out after costing work); `shuttingDown` after `stop`. A request is refused on arrival, not half way.
    func admitRequest(audioSeconds: Double, deadline: Double) throws -> @Sendable () -> Void {
        condition.lock()
        defer { condition.unlock() }
        if stopped { throw ServerError.shuttingDown }
        if waiting >= capacity { throw Self.full(waiting) }
        if let speed, admittedAudio > 0, (admittedAudio + audioSeconds) / speed > deadline {
            throw ServerError.overloaded(String(format: "the server has %.0f s of audio to recognize first (about %.0f s of work): this "
                                                + "request would not finish within the %.0f s request timeout; retry later",
                                                admittedAudio, admittedAudio / speed, deadline))
        }
        admittedAudio += audioSeconds
        return { [self] in condition.withLock { admittedAudio = max(admittedAudio - audioSeconds, 0) } }
    }

    private static func full(_ waiting: Int) -> ServerError {
        .overloaded("inference queue full (\(waiting) clips and requests waiting); retry later")
    }

    /// The log-probabilities of `samples` (mono at the model's rate). Throws `overloaded` for an interim clip when
    /// the queue is half full, `shuttingDown` after `stop`, `CancellationError` at once when the calling task is
    /// cancelled (the clip is then dropped if it has not started).
    func logProbabilities(_ samples: [Float], recognizer: SpeechRecognizer, priority: Priority) async throws -> CTCOutput {
        try await enqueue { ticket in
            let waiting = self.waiting
            if stopped { return ServerError.shuttingDown }
            let now = Date()
            switch priority {
            case let .final(since):
                let job = Job(recognizer: recognizer, samples: samples, ticket: ticket, enqueued: now, order: since)
                finals.insert(job, at: finals.lastIndex { $0.order <= since }.map { $0 + 1 } ?? 0)
            case .interim:
                if waiting >= capacity / 2 { return Self.full(waiting) }
                interims.append(Job(recognizer: recognizer, samples: samples, ticket: ticket, enqueued: now, order: now))
            }
            return nil
        }
    }

    /// The answer of `model` to a text request, computed on the worker thread together with the other waiting
    /// requests of the same model and task. Throws `overloaded` when the queue is full (unless it is part of work
    /// already let in, such as the punctuation of a final result), `shuttingDown` after `stop`,
    /// `CancellationError` at once when the calling task is cancelled (the request is then dropped if it has not
    /// started).
    func answer(_ request: TextRequest, model: any TextModel, admitted: Bool = false) async throws -> TextAnswer {
        try await enqueue { ticket in
            let waiting = self.waiting
            if stopped { return ServerError.shuttingDown }
            guard waiting < capacity || admitted else { return Self.full(waiting) }
            textJobs.append(TextJob(model: model, request: request, ticket: ticket, enqueued: Date()))
            return nil
        }
    }

    /// Queues work with `add` (called with the lock held; it returns why it refused, or nil once it has queued) and
    /// waits for its result. A cancelled caller leaves at once and its queued work is dropped.
    private func enqueue<Value: Sendable>(_ add: (QueueTicket<Value>) -> ServerError?) async throws -> Value {
        let ticket = QueueTicket<Value>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard ticket.hold(continuation) else { return }
                condition.lock()
                defer { condition.unlock() }
                if let refusal = add(ticket) { return ticket.resume(with: .failure(refusal)) }
                metrics?.setQueueDepth(waiting)
                condition.signal()
            }
        } onCancel: {
            ticket.cancel()
            condition.withLock { removeCancelled() }
        }
    }

    /// Removes the waiting work whose callers have gone (with the lock held). The worker also calls it: a caller
    /// cancelled between taking its ticket and being queued is queued after this cancel handler has run.
    private func removeCancelled() {
        let before = waiting
        finals.removeAll { $0.ticket.isCancelled }
        interims.removeAll { $0.ticket.isCancelled }
        textJobs.removeAll { $0.ticket.isCancelled }
        if waiting != before { metrics?.setQueueDepth(waiting) }
    }

    /// Stops the worker; later calls throw `shuttingDown`. The work already queued is done first, or with
    /// `droppingQueued` fails at once with `shuttingDown` (a server that must stop within its grace period).
    func stop(droppingQueued: Bool = false) {
        condition.lock()
        stopped = true
        var dropped: [any DroppableWork] = []
        if droppingQueued {
            dropped = finals + interims + textJobs
            finals = []
            interims = []
            textJobs = []
            metrics?.setQueueDepth(0)
        }
        condition.broadcast()
        condition.unlock()
        for job in dropped { job.fail(ServerError.shuttingDown) }
    }

    private func run() {
        while let next = nextWork() {
            guard case let .clips(batch) = next else {
                if case let .texts(batch) = next { runTexts(batch) }
                continue
            }
            let start = Date()
            let result = Result { try batch[0].recognizer.logProbabilities(ofBatch: batch.map(\.samples)) }
            let seconds = Date().timeIntervalSince(start)
            let audio = batch.reduce(0) { $0 + Double($1.samples.count) / Double($1.recognizer.sampleRate) }
            metrics?.recordInference(batchSize: batch.count, seconds: seconds, audioSeconds: audio)
            if seconds > 0 { condition.withLock { speed = speed.map { 0.8 * $0 + 0.2 * audio / seconds } ?? audio / seconds } }
            switch result {
            case let .success(outputs):
                for (job, output) in zip(batch, outputs) { job.ticket.resume(with: .success(output)) }
            case let .failure(error):
                let failure = (error as? ServerError) ?? .invalidArgument("audio cannot be recognized: \(error)")
                for job in batch { job.ticket.resume(with: .failure(failure)) }
            }
        }
    }

    /// One call of a text model for a batch of requests; each caller gets its own part of the answer.
    private func runTexts(_ batch: [TextJob]) {
        let start = Date()
        let answers = batch[0].model.answer(batch.map(\.request), wanted: { !batch[$0].ticket.isCancelled })
        metrics?.recordTextInference(requests: batch.count, seconds: Date().timeIntervalSince(start))
        for (job, answer) in zip(batch, answers) {
            switch answer {
            case let .success(value): job.ticket.resume(with: .success(value))
            case let .failure(error): job.ticket.resume(with: .failure((error as? ServerError) ?? .invalidArgument("\(error)")))
            }
        }
    }

    private enum Work {
        case clips([Job])
        case texts([TextJob])
    }

    /// Waits for work and takes the next: a batch of final clips, else a batch of text requests, else a batch of
    /// interim clips. A batch of clips is the oldest clip with the waiting clips of the same model whose lengths are
    /// within 25% of it (padding costs compute), up to `maxBatch` and `maxBatchSamples`. Nil once stopped and drained.
    private func nextWork() -> Work? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            removeCancelled()
            while waiting == 0 {
                if stopped { return nil }
                condition.wait()
            }
            // Text requests take little time: one goes as soon as the next final clip is one queued after it, rather
            // than behind the whole of every long recognition.
            guard let oldest = textJobs.first, finals.first.map({ $0.enqueued > oldest.enqueued }) ?? true else { break }
            // A text batch leaves at once when full or when clips wait, else once its oldest request has waited
            // `textBatchWait`.
            let deadline = oldest.enqueued.addingTimeInterval(textBatchWait)
            if stopped || Date() >= deadline || textBatchIsFull() || !finals.isEmpty { return .texts(takeTextBatch()) }
            _ = condition.wait(until: deadline)
        }
        let fromFinals = !finals.isEmpty
        var source = fromFinals ? finals : interims
        let first = source.removeFirst()
        var batch = [first], total = first.samples.count
        let longest = Double(first.samples.count) * 1.25 + 1600, floor = Double(first.samples.count) / 1.25 - 1600
        // Interim batches stay small (4 clips, 6 s of audio): a final that arrives meanwhile waits for the batch
        // being computed.
        let limit = fromFinals ? maxBatch : min(maxBatch, 4)
        let samplesLimit = fromFinals ? maxBatchSamples : min(maxBatchSamples, 6 * first.recognizer.sampleRate)
        var index = 0
        while index < source.count && batch.count < limit {
            let job = source[index], count = Double(job.samples.count)
            if job.recognizer === first.recognizer, count <= longest, count >= floor, total + job.samples.count <= samplesLimit {
                batch.append(job)
                total += job.samples.count
                source.remove(at: index)
            } else {
                index += 1
            }
        }
        if fromFinals { finals = source } else { interims = source }
        metrics?.setQueueDepth(waiting)
        return .clips(batch)
    }

    /// The waiting requests that would join the oldest text request's batch: same model and task, whole requests
    /// in arrival order while their texts fit in `maxTextBatch` (the oldest always goes).
    private func textBatchIndices() -> [Int] {
        guard let first = textJobs.first else { return [] }
        var indices = [0], texts = first.request.texts.count
        for index in textJobs.indices.dropFirst() {
            let job = textJobs[index]
            guard job.model === first.model, job.request.task == first.request.task,
                  texts + job.request.texts.count <= maxTextBatch else { continue }
            indices.append(index)
            texts += job.request.texts.count
        }
        return indices
    }

    /// Whether the oldest text request's batch can take no more texts.
    private func textBatchIsFull() -> Bool {
        textBatchIndices().reduce(0) { $0 + textJobs[$1].request.texts.count } >= maxTextBatch
    }

    private func takeTextBatch() -> [TextJob] {
        let indices = textBatchIndices()
        let batch = indices.map { textJobs[$0] }
        for index in indices.reversed() { textJobs.remove(at: index) }
        metrics?.setQueueDepth(waiting)
        return batch
    }
}
