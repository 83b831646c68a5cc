import Foundation
import TAOTensor

/// `tao-bench tensor`: the tensor engine's training and inference workloads (issue 3), with 1 and 2 threads.
/// Options: `--runs N` (default 3), `--threads 1,2`.
enum TensorBench {
    static func run(_ arguments: [String]) throws {
        let runs = Int(value(of: "--runs", in: arguments) ?? "") ?? 3
        let threadCounts = (value(of: "--threads", in: arguments) ?? "1,2").split(separator: ",").compactMap { Int($0) }
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil {
            // Unset, OpenBLAS 0.3.21 does not recognize Zen 5 and falls back to its SSE3 (Prescott) kernels: ~4x slower GEMMs.
            FileHandle.standardError.write(Data("tensor bench: warning: OPENBLAS_CORETYPE is not set; GEMMs may use slow generic kernels\n".utf8))
        }
        for threads in threadCounts {
            BLAS.setThreadCount(threads)
            quartzNetTrainingStep(threads: threads, runs: runs).print()
            quartzNetInference(threads: threads, runs: runs).print()
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        FileHandle.standardError.write(Data("tensor bench: peak resident memory \(usage.ru_maxrss / 1024) MB\n".utf8))
    }

    private static func value(of flag: String, in arguments: [String]) -> String? {
        guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
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
