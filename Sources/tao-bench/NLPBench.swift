import Foundation
import TAONLP
import TAOTensor

/// `tao-bench nlp`: the BERT model side of the text tasks (issue 7), beside `anchors/minilm_bench.py` and
/// `anchors/bert_mini_train.py`: MiniLM-L6 inference latency (batch 1 x 32 pieces) and throughput (batch 32 x
/// 128), a BERT-mini text-classification training step (batch 32 x 64, AdamW) and a MiniLM fine-tuning step
/// (token classification, batch 16 x 64, Adam), with 1 and 2 threads. Options: `--runs N` (default 5),
/// `--threads 1,2`, `--only NAME`, `--minilm FOLDER` (real weights; random MiniLM-shaped weights otherwise,
/// which time the same).
enum NLPBench {
    static func run(_ arguments: [String]) throws {
        let options = try BenchOptions(arguments, flags: ["--runs", "--threads", "--only", "--minilm"],
                                       usage: "tao-bench nlp [--runs 5] [--threads 1,2] [--only NAME] [--minilm FOLDER]")
        let runs = try options.integer("--runs", default: 5)
        let threadCounts = try options.integers("--threads", default: [1, 2])
        let miniLM = try miniLMEncoder(folder: options.string("--minilm"))
        // (name, timed calls, workload): the latency case runs 20x as often.
        let workloads: [(String, Int, (Int) throws -> BenchReport)] = [
            ("minilm_infer_b1x32", runs * 20, { inference(miniLM, batch: 1, length: 32, threads: $0, runs: runs * 20) }),
            ("minilm_infer_b32x128", runs, { inference(miniLM, batch: 32, length: 128, threads: $0, runs: runs) }),
            ("bert_mini_train_step_b32x64", runs, { try bertMiniTrainingStep(threads: $0, runs: runs) }),
            ("minilm_finetune_step_b16x64", runs, { try miniLMFineTuningStep(miniLM, threads: $0, runs: runs) }),
        ]
        let only = try options.choice("--only", among: workloads.map(\.0))
        for threads in threadCounts {
            BLAS.setThreadCount(threads)
            for (name, calls, workload) in workloads where only == nil || only == name {
                let cpuBefore = processCPUSeconds()
                try workload(threads).print()
                // Process CPU time per call (setup and warm-up included): steadier than wall time on a busy machine.
                let cpu = (processCPUSeconds() - cpuBefore) / Double(calls + 1)
                FileHandle.standardError.write(Data("nlp bench: \(name) threads=\(threads) cpu_s_per_call=\(String(format: "%.4f", cpu))\n".utf8))
            }
        }
    }

    /// User + system CPU seconds of this process so far.
    private static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// MiniLM-L6 from a Hugging Face folder, or randomly initialized with its shape.
    static func miniLMEncoder(folder: String?) throws -> BertModel {
        if let folder { return try PretrainedBert.load(folder: folder).model }
        var rng = RandomGenerator(seed: 1)
        return BertModel(config: BertConfig(vocabSize: 30522, hiddenSize: 384, numHiddenLayers: 6, numAttentionHeads: 12,
                                            intermediateSize: 1536), rng: &rng)
    }

    /// `batch` rows of `length` random pieces, the second half of the rows a quarter padding when `padded`.
    static func randomBatch(batch: Int, length: Int, vocabulary: Int, padded: Bool, rng: inout RandomGenerator) -> TextBatch {
        let lengths = (0..<batch).map { padded && $0 >= batch / 2 ? length * 3 / 4 : length }
        let ids = (0..<(batch * length)).map { i in i % length < lengths[i / length] ? 1000 + Int(rng.next() % UInt64(vocabulary - 1000)) : 0 }
        return TextBatch(batchSize: batch, length: length, tokenIDs: ids, typeIDs: [Int](repeating: 0, count: batch * length),
                         lengths: lengths)
    }

    /// Encoder forward in evaluation mode without a tape.
    static func inference(_ model: BertModel, batch: Int, length: Int, threads: Int, runs: Int) -> BenchReport {
        var rng = RandomGenerator(seed: 2)
        let input = randomBatch(batch: batch, length: length, vocabulary: model.config.vocabSize, padded: false, rng: &rng)
        model.setTraining(false)
        return BenchReport.measure("minilm_infer_b\(batch)x\(length)", threads: threads, runs: runs, work: Double(batch),
                                   unit: "sentences/s") {
            _ = withNoGrad { model(input) }
        }
    }

    /// The anchor's BERT-mini (2 layers, hidden 128, 2 heads, intermediate 512, vocabulary 30522) classifying
    /// 2 classes, batch 32 x 64 with padding, AdamW (lr 1e-4, weight decay 0.01).
    static func bertMiniTrainingStep(threads: Int, runs: Int) throws -> BenchReport {
        var rng = RandomGenerator(seed: 3)
        let encoder = BertModel(config: BertConfig(vocabSize: 30522, hiddenSize: 128, numHiddenLayers: 2, numAttentionHeads: 2,
                                                   intermediateSize: 512), rng: &rng)
        let model = try TextClassificationModel(encoder: encoder, classes: 2, head: HeadConfig(layers: 1, dropout: 0.1), rng: &rng)
        var input = randomBatch(batch: 32, length: 64, vocabulary: 30522, padded: true, rng: &rng)
        input.sequenceLabels = (0..<32).map { _ in Int(rng.next() % 2) }
        let optimizer = Adam.adamW(parameters: model.parameters, learningRate: 1e-4, weightDecay: 0.01)
        return BenchReport.measure("bert_mini_train_step_b32x64", threads: threads, runs: runs, work: 1, unit: "steps/s") {
            model.trainingStep(input, optimizer: optimizer)
        }
    }

    /// MiniLM with a token-classification head (9 classes), batch 16 x 64, Adam lr 2e-5.
    static func miniLMFineTuningStep(_ encoder: BertModel, threads: Int, runs: Int) throws -> BenchReport {
        var rng = RandomGenerator(seed: 4)
        let model = try TokenClassificationModel(encoder: encoder, classes: 9, rng: &rng)
        var input = randomBatch(batch: 16, length: 64, vocabulary: encoder.config.vocabSize, padded: true, rng: &rng)
        input.tokenLabels = [(0..<(16 * 64)).map { _ in Int(rng.next() % 9) }]
        let optimizer = Adam(parameters: model.parameters, learningRate: 2e-5)
        return BenchReport.measure("minilm_finetune_step_b16x64", threads: threads, runs: runs, work: 1, unit: "steps/s") {
            model.trainingStep(input, optimizer: optimizer)
        }
    }
}
