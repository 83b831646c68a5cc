import Foundation
import TAOSpeech
import TAOTensor
import TAOToolkit

/// `tao-bench speech`: the speech_to_text models as `tao` trains and runs them (issue 5), the workload of
/// ../shared/anchors/asr_model_bench.py: a training step (batch 8 x 8 s of 64-mel features, CTC with blank last and
/// mean_batch reduction, backward, Novograd) and inference on one 60 s utterance (evaluation mode, no gradients,
/// front end excluded). Models: QuartzNet 5x5 (the shipped architecture spec), the shipped default model (models/citrinet_char), Citrinet-256
/// (speech_to_text_citrinet's train spec: 80 mels, 256 subwords + blank, 8x subsampling, as the anchor's
/// `citrinet256`) and Citrinet small (models/citrinet_small/train.yaml, 128 subwords).
/// Options: `--runs N` (default 3), `--threads 1,2`, `--models qn5x5,shipped,c256,citrinet_small`, `--repository DIR` (default: .).
enum SpeechBench {
    static func run(_ arguments: [String]) throws {
        let options = try BenchOptions(arguments, flags: ["--runs", "--threads", "--models", "--repository"],
                                       usage: "tao-bench speech [--runs 3] [--threads 1,2] [--models qn5x5,shipped,c256,citrinet_small] [--repository .]")
        let runs = try options.integer("--runs", default: 3)
        let threadCounts = try options.integers("--threads", default: [1, 2])
        let names = (options.string("--models") ?? "qn5x5,shipped").split(separator: ",").map(String.init)
        let repository = URL(fileURLWithPath: options.string("--repository") ?? ".")
        for name in names {
            let (model, features) = try build(name, repository: repository)
            let parameters = model.parameters.reduce(0) { $0 + $1.count }
            FileHandle.standardError.write(Data("speech bench: \(name): \(parameters) parameters, \(model.labels.count) labels + blank\n".utf8))
            for threads in threadCounts {
                BLAS.setThreadCount(threads)
                trainingStep(name, model: model, features: features, threads: threads, runs: runs).print()
                inference(name, model: model, features: features, threads: threads, runs: runs).print()
            }
        }
    }

    /// The network of a bench model and its mel features per frame.
    static func build(_ name: String, repository: URL) throws -> (CTCModel, Int) {
        let yaml: String, schema: SpecSection
        switch name {
        case "qn5x5":
            guard let variant = DefaultSpecs.architectures(.speechToText).first(where: { $0.fileName.contains("5x5") }) else {
                throw BenchUnavailable(reason: "no QuartzNet 5x5 spec in this build")
            }
            (yaml, schema) = ("{}", variant.schema)
        case "shipped", "citrinet_small":
            let file = repository.appendingPathComponent(name == "shipped" ? "models/citrinet_char/train.yaml" : "models/citrinet_small/train.yaml")
            let task: TaskName = name == "shipped" ? .speechToText : .speechToTextCitrinet
            guard let text = try? String(contentsOf: file, encoding: .utf8), let train = DefaultSpecs.schema(task, .train) else {
                throw BenchUnavailable(reason: "\(file.path) not found (run from the repository or pass --repository)")
            }
            (yaml, schema) = (text, train)
        case "c256":
            guard let train = DefaultSpecs.schema(.speechToTextCitrinet, .train) else { throw BenchUnavailable(reason: "no Citrinet spec in this build") }
            (yaml, schema) = ("{}", train)
        default:
            throw BenchUnavailable(reason: "unknown model '\(name)' (qn5x5, shipped, c256, citrinet_small)")
        }
        var rng = RandomGenerator(seed: 7)
        if name == "c256" || name == "citrinet_small" {
            // The subword vocabulary's size is what matters: placeholder pieces stand in for a tokenizer.
            let spec = try ResolvedSpec.load(schema: schema, yaml: yaml, name: name, overrides: ["model.tokenizer.dir=unused"], requireAll: false)
                .decode(SubwordModelSpec.self, at: "model")
            var decoder = spec.decoder
            decoder.vocabulary = (0..<(name == "c256" ? 256 : 128)).map { "▁piece\($0)" }
            return (try CTCModel(encoder: spec.encoder, decoder: decoder, rng: &rng), spec.preprocessor.features)
        }
        let spec = try ResolvedSpec.load(schema: schema, yaml: yaml, name: name, requireAll: false).decode(CharacterModelSpec.self, at: "model")
        var decoder = spec.decoder
        decoder.vocabulary = spec.labels
        return (try CTCModel(encoder: spec.encoder, decoder: decoder, rng: &rng), spec.preprocessor.features)
    }

    /// Forward, CTC (targets of about 100 labels, as in 8 s of speech), backward and a Novograd step.
    static func trainingStep(_ name: String, model: CTCModel, features mels: Int, threads: Int, runs: Int) -> BenchReport {
        var rng = RandomGenerator(seed: 1)
        let (batch, frames) = (8, 800)
        let features = Tensor.normal([batch, mels, frames], rng: &rng)
        let lengths = Array(repeating: frames, count: batch)
        model.setTraining(false)
        let outputFrames = withNoGrad { model(features, lengths: lengths).lengths[0] }
        let targetLength = min(100, outputFrames / 2)
        let targets = (0..<batch).map { _ in (0..<targetLength).map { _ in Int(rng.next() % UInt64(model.blank)) } }
        let optimizer = Novograd(parameters: model.parameters, learningRate: 0.01, betas: (0.95, 0.5), weightDecay: 0.001)
        let ctc = CTCLoss(blank: model.blank, reduction: .meanBatch, zeroInfinity: true)
        model.setTraining(true)
        let report = BenchReport.measure("\(name)_train_step_b8x8s", threads: threads, runs: runs, work: Double(batch) * 8,
                                         unit: "audio-s/s") {
            optimizer.zeroGrad()
            let (logProbs, outputLengths) = model(features, lengths: lengths)
            let (loss, _) = ctc(logProbs, inputLengths: outputLengths, targets: targets)
            loss.backward()
            optimizer.step()
        }
        model.setTraining(false)
        return report
    }

    /// Encoder and decoder on one 60 s utterance; throughput in audio-seconds per second (1 / real-time factor).
    static func inference(_ name: String, model: CTCModel, features mels: Int, threads: Int, runs: Int) -> BenchReport {
        var rng = RandomGenerator(seed: 2)
        let features = Tensor.normal([1, mels, 6000], rng: &rng)
        model.setTraining(false)
        return BenchReport.measure("\(name)_infer_60s", threads: threads, runs: runs, work: 60, unit: "audio-s/s") {
            _ = withNoGrad { model(features, lengths: [6000]) }
        }
    }
}
