import Foundation
import TAOToolkit

/// Runs speech models off the event loops: one worker thread takes waiting clips, batches clips of the same model
/// and similar length into one forward pass, and hands each caller its log-probabilities. Bounded: a full queue
/// refuses work at once (`ServerError.overloaded`) instead of letting latency grow without limit. Finals go before
/// interim results; interim work is the first shed when the queue is long.
final class InferenceQueue: @unchecked Sendable {
    enum Priority: Sendable { case final, interim }

    /// Clips batched together at most.
    let maxBatch: Int
    /// Samples in one batch at most (bounds the memory of a forward pass).
    let maxBatchSamples: Int
    /// Waiting clips at most.
    let capacity: Int
    private let metrics: ServerMetrics?

    private struct Job {
        let recognizer: SpeechRecognizer
        let samples: [Float]
        let continuation: CheckedContinuation<CTCOutput, Error>
        let enqueued: Date
    }

    private let condition = NSCondition()
    private var finals: [Job] = []
    private var interims: [Job] = []
    /// Other work (text models), run one at a time between finals and interim work.
    private var tasks: [() -> Void] = []
    private var stopped = false

    init(capacity: Int = 256, maxBatch: Int = 16, maxBatchSamples: Int = 16_000 * 120, metrics: ServerMetrics? = nil) {
        self.capacity = max(capacity, 1)
        self.maxBatch = max(maxBatch, 1)
        self.maxBatchSamples = max(maxBatchSamples, 1)
        self.metrics = metrics
        // The thread holds the queue until `stop` lets it finish (the service stops it when it goes away).
        let thread = Thread { self.run() }
        thread.name = "tao-inference"
        thread.stackSize = 16 << 20
        thread.start()
    }

    /// Clips waiting now.
    var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return finals.count + interims.count
    }

    /// The log-probabilities of `samples` (mono at the model's rate). Throws `overloaded` when the queue is full
    /// (interim work already when it is half full), `shuttingDown` after `stop`.
    func logProbabilities(_ samples: [Float], recognizer: SpeechRecognizer, priority: Priority) async throws -> CTCOutput {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            let waiting = finals.count + interims.count
            if stopped {
                continuation.resume(throwing: ServerError.shuttingDown)
                return
            }
            if waiting >= capacity || (priority == .interim && waiting >= capacity / 2) {
                continuation.resume(throwing: ServerError.overloaded("inference queue full (\(waiting) clips waiting); retry later"))
                return
            }
            let job = Job(recognizer: recognizer, samples: samples, continuation: continuation, enqueued: Date())
            if priority == .final { finals.append(job) } else { interims.append(job) }
            metrics?.setQueueDepth(waiting + 1)
            condition.signal()
        }
    }

    /// Runs `work` on the worker thread (text models: all BLAS calls stay on one thread). Bounded like clips.
    func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            if stopped { return continuation.resume(throwing: ServerError.shuttingDown) }
            guard finals.count + interims.count + tasks.count < capacity else {
                return continuation.resume(throwing: ServerError.overloaded("inference queue full; retry later"))
            }
            tasks.append {
                do { continuation.resume(returning: try work()) } catch {
                    continuation.resume(throwing: (error as? ServerError) ?? .invalidArgument("\(error)"))
                }
            }
            condition.signal()
        }
    }

    /// Stops the worker once the clips already queued are done; later calls throw `shuttingDown`.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        while let next = nextWork() {
            guard case let .clips(batch) = next else {
                if case let .task(task) = next { task() }
                continue
            }
            let start = Date()
            let result = Result { try batch[0].recognizer.logProbabilities(ofBatch: batch.map(\.samples)) }
            let seconds = Date().timeIntervalSince(start)
            let audio = batch.reduce(0) { $0 + Double($1.samples.count) / Double($1.recognizer.sampleRate) }
            metrics?.recordInference(batchSize: batch.count, seconds: seconds, audioSeconds: audio)
            switch result {
            case let .success(outputs):
                for (job, output) in zip(batch, outputs) { job.continuation.resume(returning: output) }
            case let .failure(error):
                let failure = (error as? ServerError) ?? .invalidArgument("audio cannot be recognized: \(error)")
                for job in batch { job.continuation.resume(throwing: failure) }
            }
        }
    }

    private enum Work {
        case clips([Job])
        case task(() -> Void)
    }

    /// Waits for work and takes the next: a batch of final clips, else a task, else a batch of interim clips. A
    /// batch is the oldest clip with the waiting clips of the same model whose lengths are within 25% of it
    /// (padding costs compute), up to `maxBatch` and `maxBatchSamples`. Nil once stopped and drained.
    private func nextWork() -> Work? {
        condition.lock()
        defer { condition.unlock() }
        while finals.isEmpty && interims.isEmpty && tasks.isEmpty {
            if stopped { return nil }
            condition.wait()
        }
        if finals.isEmpty, !tasks.isEmpty { return .task(tasks.removeFirst()) }
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
        metrics?.setQueueDepth(finals.count + interims.count)
        return .clips(batch)
    }
}
