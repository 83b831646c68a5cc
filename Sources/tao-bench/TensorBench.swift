import Foundation
import TAOTensor

/// `tao-bench tensor`: the tensor engine's training and inference workloads (issue 3), with 1 and 2 threads.
/// Options: `--runs N` (default 3), `--threads 1,2`, `--only NAME` (quartznet_train, quartznet_infer, bert_mini_train,
/// minilm_infer_b1, minilm_infer_b32). Set OPENBLAS_CORETYPE as the machine environment does (see the warning).
enum TensorBench {
    static func run(_ arguments: [String]) throws {
        let options = try BenchOptions(arguments, flags: ["--runs", "--threads", "--only"],
                                       usage: "tao-bench tensor [--runs 3] [--threads 1,2] [--only NAME]")
        let runs = try options.integer("--runs", default: 3)
        let threadCounts = try options.integers("--threads", default: [1, 2])
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil {
            // Unset, OpenBLAS 0.3.21 does not recognize Zen 5 and falls back to its SSE3 (Prescott) kernels: ~4x slower GEMMs.
            FileHandle.standardError.write(Data("tensor bench: warning: OPENBLAS_CORETYPE is not set; GEMMs may use slow generic kernels\n".utf8))
        }
        // (name, timed calls per run count, workload): the small MiniLM case runs 10x as often.
        let workloads: [(String, Int, (Int, Int) -> BenchReport)] = [
            ("quartznet_train", 1, quartzNetTrainingStep), ("quartznet_infer", 1, quartzNetInference),
            ("bert_mini_train", 1, bertMiniTrainingStep),
            ("minilm_infer_b1", 10, { miniLMInference(batch: 1, tokens: 32, threads: $0, runs: $1 * 10) }),
            ("minilm_infer_b32", 1, { miniLMInference(batch: 32, tokens: 128, threads: $0, runs: $1) }),
        ]
        let only = try options.choice("--only", among: workloads.map(\.0))
        for threads in threadCounts {
            BLAS.setThreadCount(threads)
            for (name, multiplier, workload) in workloads where only == nil || only == name {
                let cpuBefore = processCPUSeconds()
                let report = workload(threads, runs)
                report.print()
                // Process CPU time per call (model setup and warm-up included, so slightly high): steadier than
                // wall time on a busy machine.
                let cpu = (processCPUSeconds() - cpuBefore) / Double(runs * multiplier + 1)
                FileHandle.standardError.write(Data("tensor bench: \(report.bench) threads=\(threads) cpu_s_per_call=\(String(format: "%.3f", cpu))\n".utf8))
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        FileHandle.standardError.write(Data("tensor bench: peak resident memory \(usage.ru_maxrss / 1024) MB\n".utf8))
    }

    /// User + system CPU seconds of this process so far.
    private static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// QuartzNet 5x5 on a batch of 8 x 8 s (64 mels x 800 frames): forward, log-softmax, a stand-in loss
    /// (mean negative log-probability; CTC lives in TAOSpeech), backward and a Novograd step.
    static func quartzNetTrainingStep(threads: Int, runs: Int) -> BenchReport {
        var rng = RandomGenerator(seed: 1)
        let model = QuartzNetBenchModel(rng: &rng)
        let features = Tensor.normal([8, 64, 800], rng: &rng)
        let optimizer = Novograd(parameters: model.parameters, learningRate: 0.01, betas: (0.95, 0.5), weightDecay: 0.001)
        return BenchReport.measure("quartznet5x5_train_step_b8x8s", threads: threads, runs: runs, work: 1, unit: "steps/s") {
            let loss = -model(features).mean()
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
        }
    }

    /// QuartzNet 5x5 inference (evaluation mode, no gradients) on one 60 s utterance; throughput in audio-s/s.
    static func quartzNetInference(threads: Int, runs: Int) -> BenchReport {
        var rng = RandomGenerator(seed: 2)
        let model = QuartzNetBenchModel(rng: &rng)
        model.setTraining(false)
        let features = Tensor.normal([1, 64, 6000], rng: &rng)
        return BenchReport.measure("quartznet5x5_infer_60s", threads: threads, runs: runs, work: 60, unit: "audio-s/s") {
            _ = withNoGrad { model(features) }
        }
    }
}

extension TensorBench {
    /// BERT-mini classifier training step (2 layers, hidden 128, 2 heads, intermediate 512, vocabulary 30522),
    /// batch 32 x 64 tokens with some padding, cross-entropy over 2 classes, AdamW (lr 1e-4, wd 0.01).
    static func bertMiniTrainingStep(threads: Int, runs: Int) -> BenchReport {
        var rng = RandomGenerator(seed: 3)
        let model = BertBenchModel(layers: 2, hidden: 128, heads: 2, intermediate: 512, classes: 2, rng: &rng)
        let (batch, tokens) = (32, 64)
        let ids = (0..<(batch * tokens)).map { _ in 1000 + Int(rng.next() % 29000) }
        let lengths = (0..<batch).map { $0 < batch / 2 ? tokens : tokens * 3 / 4 }
        let labels = (0..<batch).map { _ in Int(rng.next() % 2) }
        let optimizer = Adam.adamW(parameters: model.parameters, learningRate: 1e-4, weightDecay: 0.01)
        return BenchReport.measure("bert_mini_train_step_b32x64", threads: threads, runs: runs, work: 1, unit: "steps/s") {
            let loss = crossEntropy(model.classify(ids: ids, batch: batch, tokens: tokens, lengths: lengths), targets: IndexTensor(labels))
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
        }
    }

    /// MiniLM-L6-sized encoder inference (6 layers, hidden 384, 12 heads, intermediate 1536) on `batch` x `tokens`.
    static func miniLMInference(batch: Int, tokens: Int, threads: Int, runs: Int) -> BenchReport {
        var rng = RandomGenerator(seed: 4)
        let model = BertBenchModel(layers: 6, hidden: 384, heads: 12, intermediate: 1536, classes: 2, rng: &rng)
        model.setTraining(false)
        let ids = (0..<(batch * tokens)).map { _ in 1000 + Int(rng.next() % 29000) }
        let lengths = [Int](repeating: tokens, count: batch)
        return BenchReport.measure("minilm_infer_b\(batch)x\(tokens)", threads: threads, runs: runs, work: Double(batch), unit: "sentences/s") {
            _ = withNoGrad { model.encode(ids: ids, batch: batch, tokens: tokens, lengths: lengths) }
        }
    }
}

/// A BERT encoder layer in Hugging Face's post-LayerNorm layout (eps 1e-12, GELU erf, hidden dropout 0.1 in
/// training; attention-probability dropout is not applied).
final class BertBenchLayer: Module {
    let attention: MultiHeadAttention, attentionNorm: LayerNorm, intermediate: Linear, output: Linear, outputNorm: LayerNorm
    let dropout: Dropout

    init(hidden: Int, heads: Int, intermediate size: Int, rng: inout RandomGenerator) {
        attention = MultiHeadAttention(hidden: hidden, heads: heads, rng: &rng)
        attentionNorm = LayerNorm(features: hidden, eps: 1e-12)
        intermediate = Linear(inFeatures: hidden, outFeatures: size, rng: &rng)
        output = Linear(inFeatures: size, outFeatures: hidden, rng: &rng)
        outputNorm = LayerNorm(features: hidden, eps: 1e-12)
        dropout = Dropout(probability: 0.1, rng: RandomGenerator(seed: rng.next()))
    }

    var children: [(String, any Module)] {
        [("attention", attention), ("attention_norm", attentionNorm), ("intermediate", intermediate),
         ("output", output), ("output_norm", outputNorm), ("dropout", dropout)]
    }

    func callAsFunction(_ x: Tensor, lengths: [Int]) -> Tensor {
        let attended = attentionNorm(x + dropout(attention(x, lengths: lengths)))
        return outputNorm(attended + dropout(output(intermediate(attended).gelu())))
    }
}

/// BERT with word, position and token-type embeddings, a tanh pooler on the first token and a classifier.
final class BertBenchModel: Module {
    let words: Embedding, positions: Embedding, tokenTypes: Embedding, embeddingNorm: LayerNorm
    let layers: [BertBenchLayer], pooler: Linear, classifier: Linear, dropout: Dropout

    init(layers count: Int, hidden: Int, heads: Int, intermediate: Int, classes: Int, rng: inout RandomGenerator) {
        words = Embedding(count: 30522, dimension: hidden, rng: &rng)
        positions = Embedding(count: 512, dimension: hidden, rng: &rng)
        tokenTypes = Embedding(count: 2, dimension: hidden, rng: &rng)
        embeddingNorm = LayerNorm(features: hidden, eps: 1e-12)
        var layers: [BertBenchLayer] = []
        for _ in 0..<count { layers.append(BertBenchLayer(hidden: hidden, heads: heads, intermediate: intermediate, rng: &rng)) }
        self.layers = layers
        pooler = Linear(inFeatures: hidden, outFeatures: hidden, rng: &rng)
        classifier = Linear(inFeatures: hidden, outFeatures: classes, rng: &rng)
        dropout = Dropout(probability: 0.1, rng: RandomGenerator(seed: rng.next()))
    }

    var children: [(String, any Module)] {
        [("embeddings.word_embeddings", words), ("embeddings.position_embeddings", positions),
         ("embeddings.token_type_embeddings", tokenTypes), ("embeddings.LayerNorm", embeddingNorm)]
            + layers.enumerated().map { ("encoder.layer.\($0.offset)", $0.element) }
            + [("pooler.dense", pooler), ("classifier", classifier), ("dropout", dropout)]
    }

    /// Token ids `[batch * tokens]` -> hidden states `[batch, tokens, hidden]`.
    func encode(ids: [Int], batch: Int, tokens: Int, lengths: [Int]) -> Tensor {
        let positionIds = (0..<(batch * tokens)).map { $0 % tokens }
        let shape = [batch, tokens]
        let embedded = words(IndexTensor(ids, shape: shape)) + positions(IndexTensor(positionIds, shape: shape))
            + tokenTypes(IndexTensor([Int](repeating: 0, count: batch * tokens), shape: shape))
        let x = dropout(embeddingNorm(embedded))
        return layers.reduce(x) { $1($0, lengths: lengths) }
    }

    /// Class logits `[batch, classes]` from the pooled first token.
    func classify(ids: [Int], batch: Int, tokens: Int, lengths: [Int]) -> Tensor {
        let first = encode(ids: ids, batch: batch, tokens: tokens, lengths: lengths).sliced(axis: 1, 0..<1).squeezed(1)
        return classifier(dropout(pooler(first).tanh()))
    }
}

/// One Jasper block as the PyTorch anchor (`anchors/asr_models.py`) builds it: R x (depthwise conv, pointwise
/// conv, BatchNorm eps 1e-3, ReLU except after the last), optional residual (1x1 conv + BatchNorm) added before
/// the final ReLU. Dropout is 0 in the benchmark, so it is left out.
final class JasperBenchBlock: Module {
    let depthwise: [Conv1d], pointwise: [Conv1d], norms: [BatchNorm1d]
    let residual: (Conv1d, BatchNorm1d)?

    init(inChannels: Int, outChannels: Int, kernelSize: Int, repeats: Int, stride: Int = 1, dilation: Int = 1,
         residual: Bool, separable: Bool = true, rng: inout RandomGenerator) {
        var depthwise: [Conv1d] = [], pointwise: [Conv1d] = [], norms: [BatchNorm1d] = []
        var channels = inChannels
        for repeatIndex in 0..<repeats {
            let s = repeatIndex == 0 ? stride : 1
            if separable {
                depthwise.append(Conv1d(inChannels: channels, outChannels: channels, kernelSize: kernelSize, stride: s,
                                        dilation: dilation, groups: channels, rng: &rng))
                pointwise.append(Conv1d(inChannels: channels, outChannels: outChannels, kernelSize: 1, rng: &rng))
            } else {
                pointwise.append(Conv1d(inChannels: channels, outChannels: outChannels, kernelSize: kernelSize, stride: s,
                                        dilation: dilation, rng: &rng))
            }
            norms.append(BatchNorm1d(channels: outChannels, eps: 1e-3))
            channels = outChannels
        }
        self.depthwise = depthwise
        self.pointwise = pointwise
        self.norms = norms
        self.residual = residual
            ? (Conv1d(inChannels: inChannels, outChannels: outChannels, kernelSize: 1, stride: stride, rng: &rng),
               BatchNorm1d(channels: outChannels, eps: 1e-3))
            : nil
    }

    var children: [(String, any Module)] {
        var result: [(String, any Module)] = []
        for i in 0..<pointwise.count {
            if !depthwise.isEmpty { result.append(("dw\(i)", depthwise[i])) }
            result += [("pw\(i)", pointwise[i]), ("bn\(i)", norms[i])]
        }
        if let residual { result += [("res.conv", residual.0), ("res.bn", residual.1)] }
        return result
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var y = x
        for i in 0..<pointwise.count {
            if !depthwise.isEmpty { y = depthwise[i](y) }
            y = norms[i](pointwise[i](y))
            if i < pointwise.count - 1 { y = y.relu() }
        }
        if let (conv, norm) = residual { y = y + norm(conv(x)) }
        return y.relu()
    }
}

/// QuartzNet 5x5 (6.7 M parameters) as in the anchor: C1 256 k33 s2, B1..B5 (256/256/512/512/512,
/// k33/39/51/63/75, R=5), C2 512 k87 dilation 2, C3 1024 k1, decoder 1x1 conv to 29 classes, log-softmax.
final class QuartzNetBenchModel: Module {
    let blocks: [JasperBenchBlock]
    let decoder: Conv1d

    init(rng: inout RandomGenerator) {
        var blocks = [JasperBenchBlock(inChannels: 64, outChannels: 256, kernelSize: 33, repeats: 1, stride: 2, residual: false, rng: &rng)]
        var channels = 256
        for (c, k) in zip([256, 256, 512, 512, 512], [33, 39, 51, 63, 75]) {
            blocks.append(JasperBenchBlock(inChannels: channels, outChannels: c, kernelSize: k, repeats: 5, residual: true, rng: &rng))
            channels = c
        }
        blocks.append(JasperBenchBlock(inChannels: 512, outChannels: 512, kernelSize: 87, repeats: 1, dilation: 2, residual: false, rng: &rng))
        blocks.append(JasperBenchBlock(inChannels: 512, outChannels: 1024, kernelSize: 1, repeats: 1, residual: false, separable: false, rng: &rng))
        self.blocks = blocks
        decoder = Conv1d(inChannels: 1024, outChannels: 29, kernelSize: 1, bias: true, rng: &rng)
    }

    var children: [(String, any Module)] { blocks.enumerated().map { ("encoder.\($0.offset)", $0.element) } + [("decoder", decoder)] }

    /// features `[batch, 64, frames]` -> log-probabilities `[batch, 29, frames / 2]`.
    func callAsFunction(_ features: Tensor) -> Tensor {
        decoder(blocks.reduce(features) { $1($0) }).logSoftmax(axis: 1)
    }
}
