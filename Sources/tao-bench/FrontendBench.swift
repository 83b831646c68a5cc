import Foundation
import TAOAudio

/// `tao-bench frontend`: NeMo log-mel features of one hour of 16 kHz speech cut into 20 s utterances, one at a time
/// on 1 thread, in batches of 16 on the batch API's threads otherwise; throughput in audio-seconds per second.
///
/// Options: `--audio FILE` (default: the peer benchmarks' `$ANCHORS_DATA/speech_1h_16k.wav` when present, else a
/// synthetic hour: FFT, mel and log cost the same whatever the content), `--seconds 3600`, `--seg 20`,
/// `--threads 1,2`, `--mels 64`, `--runs 5`.
enum FrontendBench {
    static func run(_ arguments: [String]) throws {
        let options = try Options(arguments)
        let (signal, source) = try loadAudio(options)
        let segment = Int(options.segmentSeconds * 16000)
        let utterances = stride(from: 0, to: signal.count, by: segment)
            .map { Array(signal[$0..<min($0 + segment, signal.count)]) }
            .filter { $0.count > 1600 }
        let seconds = Double(utterances.reduce(0) { $0 + $1.count }) / 16000
        FileHandle.standardError.write(Data("frontend: \(utterances.count) utterances, \(Int(seconds)) s of audio from \(source)\n".utf8))
        for mels in options.mels {
            var config = PreprocessorConfig.quartzNet
            config.features = mels
            if mels == 80 { config.windowSize = 0.025 }
            let featurizer = try LogMelFeaturizer(config)
            for threads in options.threads {
                let report = try BenchReport.measure("logmel\(mels) \(utterances.count)x\(Int(options.segmentSeconds))s", threads: threads,
                                                     runs: options.runs, work: seconds, unit: "audio-s/s") {
                    if threads == 1 {
                        for utterance in utterances { _ = try featurizer.features(of: utterance) }
                    } else {
                        // Batches of 16 utterances, as a data loader hands them over; each batch's features are
                        // dropped before the next, as the single-thread loop drops each utterance's.
                        for start in stride(from: 0, to: utterances.count, by: 16) {
                            let batch = Array(utterances[start..<min(start + 16, utterances.count)])
                            _ = try featurizer.features(ofBatch: batch, threads: threads)
                        }
                    }
                }
                report.print()
            }
        }
    }

    struct Options {
        var audio: String?
        var seconds = 3600.0
        var segmentSeconds = 20.0
        var threads = [1, 2]
        var mels = [64]
        var runs = 5

        init(_ arguments: [String]) throws {
            let options = try BenchOptions(arguments, flags: ["--audio", "--seconds", "--seg", "--threads", "--mels", "--runs"],
                                           usage: "tao-bench frontend [--audio FILE] [--seconds 3600] [--seg 20] [--threads 1,2] [--mels 64] [--runs 5]")
            audio = options.string("--audio")
            seconds = try options.number("--seconds", default: seconds)
            segmentSeconds = try options.number("--seg", default: segmentSeconds)
            threads = try options.integers("--threads", default: threads)
            mels = try options.integers("--mels", default: mels)
            runs = try options.integer("--runs", default: runs)
            guard seconds > 0, segmentSeconds >= 0.2 else { throw BenchUsage("--seconds must be positive and --seg at least 0.2") }
        }
    }

    /// The benchmark's 16 kHz signal and where it came from.
    static func loadAudio(_ options: Options) throws -> ([Float], String) {
        let data = ProcessInfo.processInfo.environment["ANCHORS_DATA"] ?? NSHomeDirectory() + "/.cache/tao-anchors/data"
        let path = options.audio ?? data + "/speech_1h_16k.wav"
        let count = Int(options.seconds * 16000)
        if options.audio != nil || FileManager.default.fileExists(atPath: path) {
            // Read only what the benchmark uses (the peers' file is an hour at 16 kHz already).
            let reader = try AudioReader(url: URL(fileURLWithPath: path))
            let inputCount = Int((Double(count) * Double(reader.info.sampleRate) / 16000).rounded(.up))
            var samples: [Float] = []
            while samples.count < inputCount, case let block = try reader.read(), !block.isEmpty { samples += block }
            samples = Array(samples.prefix(inputCount))
            if reader.info.sampleRate != 16000 {
                samples = try Resampler.resample(samples, from: Double(reader.info.sampleRate), to: 16000)
            }
            return (Array(samples.prefix(count)), path)
        }
        // Noise bursts under a slow envelope with pauses, roughly speech-shaped; deterministic.
        var rng = SeededGenerator(seed: 42)
        let signal = (0..<count).map { i -> Float in
            let envelope = max(0, sin(Double(i) / 16000 * 2.1)) * 0.3
            return Float(envelope) * Float.random(in: -1..<1, using: &rng)
        }
        return (signal, "a synthetic signal (no \(path))")
    }
}
