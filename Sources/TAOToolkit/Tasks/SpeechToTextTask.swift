import Foundation
import TAOAudio
import TAODecoding
import TAOSpeech
import TAOTensor
import TAOText

/// `tao speech_to_text` and `tao speech_to_text_citrinet` `train | finetune | evaluate | infer | export | dataset_convert`:
/// CTC models over characters (QuartzNet, Jasper) or over a subword tokenizer's pieces (Citrinet). Only the labels
/// differ (`SpeechTokenizer`); training, decoding and the model file are shared.
enum SpeechToTextTask {
    // MARK: Train

    /// speech_to_text: the labels are `model.labels`.
    static func train(_ spec: SpeechTrainSpec<CharacterModelSpec>, resolved: ResolvedSpec, recorder: RunRecorder) throws -> String {
        var decoder = spec.model.decoder
        decoder.vocabulary = spec.model.labels
        return try train(spec, decoder: decoder, tokenizer: .characters(spec.model.labels), archiveSpec: resolved, recorder: recorder)
    }

    /// speech_to_text_citrinet: the labels are the vocabulary of `model.tokenizer`, which the model's archived spec
    /// records as `model.decoder.vocabulary` (the tokenizer's files travel in the archive).
    static func train(_ spec: SpeechTrainSpec<SubwordModelSpec>, resolved: ResolvedSpec, recorder: RunRecorder) throws -> String {
        let tokenizer = try SpeechTokenizer.load(dir: spec.model.tokenizer.dir, type: spec.model.tokenizer.type)
        recorder.log("tokenizer \(tokenizer.source) (\(tokenizer.kind.rawValue)): \(tokenizer.labels.count) pieces")
        var decoder = spec.model.decoder
        decoder.vocabulary = tokenizer.labels
        let archiveSpec = try overriding(resolved, [vocabularyOverride(tokenizer.labels)])
        return try train(spec, decoder: decoder, tokenizer: tokenizer, archiveSpec: archiveSpec, recorder: recorder)
    }

    private static func train<Model: SpeechModelSpec>(_ spec: SpeechTrainSpec<Model>, decoder: DecoderSpec, tokenizer: SpeechTokenizer,
                                                     archiveSpec: ResolvedSpec, recorder: RunRecorder) throws -> String {
        var rng = RandomGenerator(seed: UInt64(max(spec.trainer.seed, 0)))
        let model = try CTCModel(encoder: spec.model.encoder, decoder: decoder, rng: &rng)
        let run = TrainingRun(model: model, modelSpec: spec.model, tokenizer: tokenizer, specAugment: spec.model.specAugment,
                              trainingDs: spec.trainingDs, validationDs: spec.validationDs, trainer: spec.trainer, optim: spec.optim,
                              saveTo: spec.saveTo, saveBestModel: spec.expManager.checkpointCallbackParams.saveBestModel,
                              archiveSpec: archiveSpec, origin: .train)
        return try fit(run, recorder: recorder)
    }

    // MARK: Finetune

    /// Continues training a model on new data. The decoder is replaced by one over new labels when `change_vocabulary`
    /// (characters) or `model.tokenizer` (a subword tokenizer) gives them; the encoder keeps its weights.
    static func finetune(_ spec: SpeechFinetuneSpec, model url: URL, key: String?, recorder: RunRecorder) throws -> String {
        let file = try SpeechModelFile.load(url, key: key)
        var model = file.model, modelSpec = file.spec, tokenizer = file.tokenizer, archiveSpec = file.trainingSpec
        var rng = RandomGenerator(seed: UInt64(max(spec.trainer.seed, 0)))
        var overrides: [String] = []
        if let labels = spec.changeVocabulary, labels != model.labels {
            guard file.tokenizer.kind == .characters else {
                throw SpecError.invalid(path: "change_vocabulary", reason: "\(url.path) is a subword model: give model.tokenizer instead")
            }
            guard !labels.isEmpty, labels.allSatisfy({ $0.count == 1 }) else {
                throw SpecError.invalid(path: "change_vocabulary", reason: "must be a list of single characters")
            }
            tokenizer = .characters(labels)
            overrides = ["model.labels=\(SpecWriter.flow(.list(labels.map(SpecValue.string))))"]
        }
        if let new = spec.model.tokenizer {
            guard file.tokenizer.kind != .characters else {
                throw SpecError.invalid(path: "model.tokenizer", reason: "\(url.path) is a character model: give change_vocabulary instead")
            }
            tokenizer = try SpeechTokenizer.load(dir: new.dir, type: new.type)
            overrides = ["model.tokenizer.dir=\(SpecWriter.flow(.string(new.dir)))", "model.tokenizer.type=\(new.type)",
                         vocabularyOverride(tokenizer.labels)]
        }
        if !overrides.isEmpty {
            model = try CTCModel(replacingDecoderOf: model, vocabulary: tokenizer.labels, rng: &rng)
            archiveSpec = try overriding(archiveSpec, overrides)
            modelSpec = file.task == .speechToText ? try archiveSpec.decode(CharacterModelSpec.self, at: "model")
                                                   : try archiveSpec.decode(SubwordModelSpec.self, at: "model")
            recorder.log("decoder replaced: \(tokenizer.labels.count) labels (\(tokenizer.source)) instead of \(file.model.labels.count)")
        }
        let run = TrainingRun(model: model, modelSpec: modelSpec, tokenizer: tokenizer,
                              specAugment: spec.model.specAugment ?? modelSpec.specAugment, trainingDs: spec.finetuningDs,
                              validationDs: spec.validationDs, trainer: spec.trainer, optim: spec.optim, saveTo: spec.saveTo,
                              saveBestModel: spec.expManager.checkpointCallbackParams.saveBestModel, archiveSpec: archiveSpec,
                              origin: try .finetune(of: url))
        return try fit(run, recorder: recorder)
    }

    /// What a training loop needs: the model, its labels, its data and the training settings.
    struct TrainingRun {
        let model: CTCModel
        let modelSpec: any SpeechModelSpec
        let tokenizer: SpeechTokenizer
        /// Augmentation of the training batches (the model spec's, or a finetune run's own), nil for none.
        let specAugment: SpecAugmentSpec?
        let trainingDs: ManifestDatasetSpec
        let validationDs: ManifestDatasetSpec?
        let trainer: TrainerSpec
        let optim: OptimSpec
        let saveTo: String
        /// End with the model of the epoch with the lowest validation WER rather than the last.
        let saveBestModel: Bool
        /// The spec written into the model archives (it describes the network).
        let archiveSpec: ResolvedSpec
        /// What a checkpoint of this run records it started from.
        let origin: TrainingCheckpoint.Origin
    }

    /// Trains with CTC: seeded batches of similar length (the next one featurized while this one trains),
    /// the optimizer and schedule of `optim`, validation WER each epoch, a checkpoint each epoch, the model at the end
    /// (the best validated epoch's with `saveBestModel`).
    static func fit(_ run: TrainingRun, recorder: RunRecorder) throws -> String {
        let (model, trainer) = (run.model, run.trainer)
        useComputeThreads(trainer.numThreads)
        let (labels, tokenizer) = (model.labels, run.tokenizer)
        let output = try recorder.resultsFile(run.saveTo, key: "save_to")
        let trainData = try readManifest(run.trainingDs, tokenizer: tokenizer, recorder: recorder, name: "training_ds")
        let validationData = try run.validationDs.map { try readManifest($0, tokenizer: tokenizer, recorder: recorder, name: "validation_ds") }
        let seed = UInt64(max(trainer.seed, 0))
        let featurizer = try LogMelFeaturizer(run.modelSpec.preprocessor.config)
        let loader = SpeechBatchLoader(featurizer: featurizer, sampleRate: run.modelSpec.sampleRate,
                                       specAugment: run.specAugment?.augmentation, encodeTranscript: tokenizer.encode,
                                       trimSilence: run.trainingDs.trimSilence, speedFactors: run.trainingDs.speedPerturb ?? [],
                                       durationReport: DurationReport())
        let validationLoader = SpeechBatchLoader(featurizer: featurizer, sampleRate: run.modelSpec.sampleRate, specAugment: nil,
                                                 encodeTranscript: tokenizer.encode, trimSilence: run.validationDs?.trimSilence ?? false,
                                                 durationReport: DurationReport())
        let batchSize = run.trainingDs.batchSize
        let stepsPerEpoch = trainer.stepsPerEpoch(batches: (trainData.entries.count + batchSize - 1) / batchSize)
        let totalSteps = try trainer.plannedSteps(stepsPerEpoch: stepsPerEpoch)
        let optimizer = try OptimizerFactory.optimizer(run.optim, parameters: model.parameters)
        let schedule = try OptimizerFactory.schedule(run.optim, totalSteps: totalSteps)
        let ctc = CTCLoss(blank: model.blank, reduction: .meanBatch, zeroInfinity: true)
        recorder.log("model: \(model.parameters.reduce(0) { $0 + $1.count }) parameters, \(labels.count) labels + blank; "
                     + "\(trainData.entries.count) training utterances (\(Int(trainData.duration)) s), \(stepsPerEpoch) steps per epoch")
        recorder.log(run.specAugment.map { "SpecAugment: \($0.freqMasks) frequency masks (width \($0.freqWidth)), \($0.timeMasks) time masks "
                                           + "(width \($0.timeWidth)), \($0.rectMasks) rectangles" } ?? "SpecAugment: none")
        let durations = trainData.entries.map(\.duration)
        let prefetcher = Prefetcher<SpeechBatch>()
        var step = 0, items = 0, firstEpoch = 0, lastWER: Double?
        let checkpoint = recorder.resultsDir.appendingPathComponent("checkpoints/last.tao")
        let resumed = try TrainingCheckpoint.resume(model, optimizer: optimizer, from: checkpoint, origin: run.origin)
        var keeper = BestModelKeeper(enabled: run.saveBestModel, higherIsBetter: false, resultsDir: recorder.resultsDir, resumed: resumed)
        if let resumed {
            (firstEpoch, step, items) = (resumed.epochs, resumed.step, resumed.items)
            recorder.log("resuming from \(checkpoint.path): \(resumed.done)", echo: true)
            if let done = trainer.nothingLeft(epochsDone: firstEpoch, stepsDone: step, plannedSteps: totalSteps) { recorder.log(done, echo: true) }
        }
        let epochs = trainer.remainingEpochs(after: firstEpoch)
        let checkpointer = TrainingCheckpointer(
            url: checkpoint, origin: run.origin, stop: recorder.stop, optimizer: optimizer, totalSteps: totalSteps,
            stepsPerEpoch: stepsPerEpoch, epochs: epochs, stepsAtResume: resumed?.step
        ) { extras in
            try SpeechModelFile.save(model, trainingSpec: run.archiveSpec, tokenizer: tokenizer, to: checkpoint, key: nil, extras: extras)
        }
        for epoch in epochs {
            guard step < totalSteps else { break }
            let plan = SpeechBatchLoader.plan(durations: durations, batchSize: batchSize, shuffle: run.trainingDs.shuffle,
                                              seed: seed, epoch: epoch)
            let entries = trainData.entries
            func startLoading(_ index: Int) {
                let batchEntries = plan[index].map { entries[$0] }
                // Each batch's dither and augmentation follow from (seed, epoch, batch), so a resumed run sees the same.
                var batchRNG = RandomGenerator(seed: seed &+ 1 &+ UInt64(epoch) << 32 &+ UInt64(index))
                let batchSeed = batchRNG.next()
                prefetcher.start { try loader.load(batchEntries, training: true, seed: batchSeed) }
            }
            // A run stopped during this epoch took its first steps already.
            let partial = epoch == firstEpoch ? resumed?.partial : nil
            let groups = trainer.stepGroups(Array(plan.indices)).dropFirst(partial?.steps ?? 0)
            if let first = groups.first?.first { startLoading(first) }
            var epochLoss = partial?.lossSum ?? 0, batches = partial?.steps ?? 0, impossible = partial?.unaligned ?? 0
            for group in groups {
                let rate = schedule.learningRate(at: step)
                optimizer.learningRate = rate
                model.setTraining(true)
                optimizer.zeroGrad()
                // accumulate_grad_batches: each batch's loss weighted by 1 / group size, gradients summed.
                var value = 0.0
                for index in group {
                    let batch = try prefetcher.take()
                    if index + 1 < plan.count { startLoading(index + 1) }
                    let (logProbs, lengths) = model(batch.features, lengths: batch.lengths)
                    let (loss, output) = ctc(logProbs, inputLengths: lengths, targets: batch.targets)
                    impossible += output.impossible
                    loss.backward(seed: Tensor(repeating: 1 / Float(group.count), shape: loss.shape))
                    value += Double(loss.scalars[0]) / Double(group.count)
                    items += batch.entries.count
                }
                if trainer.gradientClipVal > 0 {
                    _ = clipGradientNorm(model.parameters, maxNorm: Float(trainer.gradientClipVal))
                }
                optimizer.step()
                step += 1
                epochLoss += value
                batches += 1
                if step % trainer.logEveryNSteps == 0 || group.last == plan.count - 1 {
                    try recorder.progress(epoch: epoch, step: step, totalSteps: totalSteps, loss: value,
                                          learningRate: Double(rate), items: items)
                }
                if step >= totalSteps { break }
                try checkpointer.afterStep(epoch: epoch, step: step, items: items, best: keeper.best,
                                           partial: .init(steps: batches, lossSum: epochLoss, unaligned: impossible))
            }
            warnDurations(loader.durationReport, name: "training_ds", recorder: recorder)
            if impossible > 0 {
                recorder.warn("epoch \(epoch + 1): \(impossible) utterances have more labels than frames to place them in (no CTC alignment) "
                              + "and added nothing to the loss; check their transcripts against their audio")
            }
            var metrics = ["train_loss": epochLoss / Double(max(batches, 1))]
            if let validationData, (epoch + 1) % max(trainer.checkValEveryNEpoch, 1) == 0 {
                let result = try checkpointer.validating(epoch: epoch, step: step, items: items, best: keeper.best,
                                                         partial: .init(steps: batches, lossSum: epochLoss, unaligned: impossible)) { stop in
                    try evaluate(model, entries: validationData.entries, loader: validationLoader,
                                 batchSize: run.validationDs?.batchSize ?? batchSize, stop: stop)
                }
                warnDurations(validationLoader.durationReport, name: "validation_ds", recorder: recorder)
                metrics["val_wer"] = result.wer.rate
                metrics["val_cer"] = result.cer.rate
                lastWER = result.wer.rate
                try keeper.consider(epoch: epoch + 1, value: result.wer.rate) { file in
                    try SpeechModelFile.save(model, trainingSpec: run.archiveSpec, tokenizer: tokenizer, to: file, key: nil)
                }
            }
            try recorder.progress(epoch: epoch, step: step, totalSteps: totalSteps, metrics: metrics,
                                  learningRate: Double(optimizer.learningRate), items: items)
            try checkpointer.afterEpoch(epoch, step: step, items: items, best: keeper.best)
        }
        if let untouched = checkpointer.untouched(after: step, output: output) { return untouched }
        var summary = lastWER.map { String(format: "; validation WER %.2f%%", $0 * 100) } ?? ""
        if let kept = try keeper.finish(to: output) {
            summary += "; " + kept
        } else {
            try SpeechModelFile.save(model, trainingSpec: run.archiveSpec, tokenizer: tokenizer, to: output, key: nil)
        }
        try recorder.recordArtifact(output, kind: "model")
        return "trained \(step) steps; model in \(output.path)" + summary
    }

    // MARK: Evaluate

    static func evaluate(_ spec: SpeechEvaluateSpec, model url: URL, key: String?, recorder: RunRecorder,
                         say: (String) -> Void) throws -> String {
        let file = try SpeechModelFile.load(url, key: key)
        // The spec's model block describes the data for TAO compatibility; the model's own rate and labels decide.
        if spec.testDs.sampleRate != file.spec.sampleRate {
            recorder.warn("test_ds.sample_rate is \(spec.testDs.sampleRate) but the model works at \(file.spec.sampleRate) Hz; audio is resampled to the model's rate")
        }
        // Only character models are compared: a subword model evaluated with speech_to_text's spec has the English
        // characters as its spec's default labels, which say nothing.
        if let labels = spec.testDs.labels, labels != file.model.labels, labels.allSatisfy({ $0.count == 1 }), file.model.labels.allSatisfy({ $0.count == 1 }) {
            recorder.warn("test_ds.labels differ from the model's \(file.model.labels.count) labels; transcripts are checked against the model's")
        }
        let data = try readManifest(spec.testDs, tokenizer: file.tokenizer, recorder: recorder, name: "test_ds")
        let loader = SpeechBatchLoader(featurizer: try LogMelFeaturizer(file.spec.preprocessor.config),
                                       sampleRate: file.spec.sampleRate, specAugment: nil, encodeTranscript: file.tokenizer.encode,
                                       trimSilence: spec.testDs.trimSilence, durationReport: DurationReport())
        let start = Date()
        let outputs = try logProbabilities(file, entries: data.entries, loader: loader, batchSize: spec.testDs.batchSize,
                                           maxSegmentSeconds: spec.maxSegmentSeconds)
        warnDurations(loader.durationReport, name: "test_ds", recorder: recorder)
        var decoding = spec.decoding
        if !decoding.alphaGrid.isEmpty || !decoding.betaGrid.isEmpty {
            decoding = try gridSearch(decoding, model: file, outputs: outputs, key: key, recorder: recorder, say: say)
        }
        let decoder = try TranscriptDecoder(model: file.model, spec: decoding, key: key, recorder: recorder, carried: file)
        let settings = decoding.settings(tuned: file.tunedDecoding)
        let result = score(outputs, classes: file.model.decoder.classes, decoder: decoder)
        let elapsed = Date().timeIntervalSince(start)
        let metrics: [String: Any] = [
            "wer": result.wer.rate, "cer": result.cer.rate, "num_utterances": data.entries.count,
            "audio_seconds": data.duration, "real_time_factor": data.duration > 0 ? elapsed / data.duration : 0,
            "decoding": decoding.strategy, "alpha": settings.alpha, "beta": settings.beta,
            "token_min_logp": settings.tokenMinLogp,
        ]
        try writeJSON(metrics, to: recorder.resultsDir.appendingPathComponent("metrics.json"))
        try writeJSONLines(result.predictions, to: recorder.resultsDir.appendingPathComponent("predictions.jsonl"))
        try recorder.progress(step: 0, metrics: ["wer": result.wer.rate, "cer": result.cer.rate])
        // A small test set is shown utterance by utterance; a large one only in predictions.jsonl.
        if result.predictions.count <= 25 {
            for prediction in result.predictions {
                let name = URL(fileURLWithPath: prediction["audio_filepath"] as? String ?? "").lastPathComponent
                say("\(name)\n  reference:  \(prediction["reference"] as? String ?? "")\n  transcript: \(prediction["hypothesis"] as? String ?? "")")
            }
        }
        return String(format: "WER %.2f%%, CER %.2f%% on %d utterances", result.wer.rate * 100, result.cer.rate * 100, data.entries.count)
    }

    /// Decodes with every (alpha, beta) of the grids (the spec's or the model's tuned value where a grid is empty),
    /// writes `grid_search.jsonl` and returns the decoding spec with the lowest WER.
    private static func gridSearch(_ decoding: DecodingSpec, model file: SpeechModelFile, outputs: [UtteranceOutput], key: String?,
                                   recorder: RunRecorder, say: (String) -> Void) throws -> DecodingSpec {
        guard decoding.strategy == "beam" else {
            throw SpecError.invalid(path: "decoding.alpha_grid", reason: "a grid search needs decoding.strategy: beam")
        }
        let languageModel = try decoding.lmPath.map { try NGramTask.load(URL(fileURLWithPath: $0), key: key) } ?? file.carriedLanguageModel()
        let model = file.model
        let settings = decoding.settings(tuned: file.tunedDecoding)
        var best = decoding, bestWER = Double.infinity, rows: [[String: Any]] = []
        for alpha in decoding.alphaGrid.isEmpty ? [settings.alpha] : decoding.alphaGrid {
            for beta in decoding.betaGrid.isEmpty ? [settings.beta] : decoding.betaGrid {
                var candidate = decoding
                candidate.alpha = alpha
                candidate.beta = beta
                let decoder = try TranscriptDecoder(model: model, spec: candidate, key: key, recorder: recorder, languageModel: languageModel,
                                                    carried: file)
                let wer = score(outputs, classes: model.decoder.classes, decoder: decoder).wer.rate
                rows.append(["alpha": alpha, "beta": beta, "wer": wer])
                say(String(format: "alpha %.3g, beta %.3g: WER %.2f%%", alpha, beta, wer * 100))
                if wer < bestWER { (bestWER, best) = (wer, candidate) }
            }
        }
        try writeJSONLines(rows, to: recorder.resultsDir.appendingPathComponent("grid_search.jsonl"))
        recorder.log(String(format: "grid search: best alpha %.3g, beta %.3g (WER %.2f%%)", best.alpha ?? settings.alpha, best.beta ?? settings.beta,
                            bestWER * 100))
        return best
    }

    struct Evaluation {
        var wer = ErrorRate(), cer = ErrorRate()
        var predictions: [[String: Any]] = []
    }

    /// One utterance's model output.
    struct UtteranceOutput {
        let entry: ManifestEntry
        /// `[frames, classes]` log-probabilities of each stretch the utterance was cut into (one when taken whole).
        let pieces: [[Float]]
    }

    /// The model's log-probabilities for every entry, computed in batches of similar length; throws
    /// `ValidationStopped` before a batch once `stop` is set.
    static func logProbabilities(_ model: CTCModel, entries: [ManifestEntry], loader: SpeechBatchLoader, batchSize: Int,
                                 stop: StopRequest? = nil) throws -> [UtteranceOutput] {
        model.setTraining(false)
        var outputs: [UtteranceOutput] = []
        let plan = SpeechBatchLoader.plan(durations: entries.map(\.duration), batchSize: max(batchSize, 1), shuffle: false, seed: 0, epoch: 0)
        for indices in plan {
            try ValidationStopped.check(stop)
            let batch = try loader.load(indices.map { entries[$0] }, training: false, seed: 0)
            let (logProbs, lengths) = withNoGrad { model(batch.features, lengths: batch.lengths) }
            let values = logProbs.scalars, (time, classes) = (logProbs.shape[1], logProbs.shape[2])
            for (item, entry) in batch.entries.enumerated() {
                let start = item * time * classes
                outputs.append(UtteranceOutput(entry: entry, pieces: [Array(values[start..<(start + min(lengths[item], time) * classes)])]))
            }
        }
        return outputs
    }

    /// The log-probabilities of every entry for `evaluate`: an entry whose manifest duration is over
    /// `maxSegmentSeconds` is cut at its pauses, as `infer` cuts it (0: every entry whole).
    static func logProbabilities(_ file: SpeechModelFile, entries: [ManifestEntry], loader: SpeechBatchLoader, batchSize: Int,
                                 maxSegmentSeconds: Double) throws -> [UtteranceOutput] {
        let isLong = { (entry: ManifestEntry) in maxSegmentSeconds > 0 && entry.duration > maxSegmentSeconds }
        var outputs = try logProbabilities(file.model, entries: entries.filter { !isLong($0) }, loader: loader, batchSize: batchSize)
        let long = entries.filter(isLong)
        if !long.isEmpty {
            let transcriber = FileTranscriber(recognizer: try SpeechRecognizer(file), batchSize: max(batchSize, 1),
                                              maxSegmentSeconds: maxSegmentSeconds, read: { try loader.samples(of: $0) })
            try transcriber.run(long) { outputs.append(UtteranceOutput(entry: $0.entry, pieces: $0.pieces.map(\.output.values))) }
        }
        return outputs
    }

    /// WER and CER of decoded outputs against their transcripts.
    static func score(_ outputs: [UtteranceOutput], classes: Int, decoder: TranscriptDecoder) -> Evaluation {
        var result = Evaluation()
        for output in outputs {
            let words = output.pieces.flatMap { piece in piece.withUnsafeBufferPointer { decoder.words($0, classes: classes) } }
            let hypothesis = words.map(\.word).joined(separator: " ")
            result.wer.addWords(hypothesis: hypothesis, reference: output.entry.text)
            result.cer.addCharacters(hypothesis: hypothesis, reference: output.entry.text)
            result.predictions.append(["audio_filepath": output.entry.audioFilepath, "reference": output.entry.text, "hypothesis": hypothesis])
        }
        return result
    }

    /// Greedy transcripts of `entries` with WER and CER (validation during training, which `stop` cuts short).
    static func evaluate(_ model: CTCModel, entries: [ManifestEntry], loader: SpeechBatchLoader, batchSize: Int,
                         stop: StopRequest? = nil) throws -> Evaluation {
        score(try logProbabilities(model, entries: entries, loader: loader, batchSize: batchSize, stop: stop), classes: model.decoder.classes,
              decoder: TranscriptDecoder(greedy: model))
    }

    // MARK: Infer

    static func infer(_ spec: SpeechInferSpec, model url: URL, key: String?, recorder: RunRecorder, say: (String) -> Void) throws -> String {
        let file = try SpeechModelFile.load(url, key: key)
        let decoder = try TranscriptDecoder(model: file.model, spec: spec.decoding, key: key, recorder: recorder, carried: file)
        // A manifest's lines keep their offset and duration: a line may be one stretch of a long recording.
        var entries = (spec.filePaths ?? []).map { ManifestEntry(audioFilepath: $0, duration: 0, text: "") }
        if let manifest = spec.manifest {
            let contents = try Manifest.read(manifest, rules: ManifestRules())
            warnSkipped(contents, name: "manifest", recorder: recorder)
            entries += contents.entries
        }
        guard !entries.isEmpty else {
            throw SpecError.invalid(path: "file_paths", reason: "give the files to transcribe in file_paths=[a.wav,b.flac] or manifest=FILE")
        }
        let rate = file.spec.sampleRate
        // Ctrl-C ends the batch after the files in hand, whose transcripts are kept.
        let transcriber = FileTranscriber(recognizer: try SpeechRecognizer(file), batchSize: max(spec.batchSize, 1),
                                          maxSegmentSeconds: spec.maxSegmentSeconds, read: { try $0.samples(at: rate) },
                                          stop: recorder.stop)
        /// Times to the millisecond, confidences to three decimals.
        func thousandths(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
        var lines: [[String: Any]] = [], failures: [any Error] = []
        // A file that cannot be read is named and skipped: one bad file in a batch does not cost the others.
        try transcriber.transcribe(entries, decoder: decoder, skippingUnreadable: true) { transcript in
            if let failure = transcript.failure {
                recorder.warn("skipped \(failure)")
                failures.append(failure)
                var line: [String: Any] = ["audio_filepath": transcript.path, "error": "\(failure)"]
                if let offset = transcript.entry.offset { line["offset"] = offset }
                lines.append(line)
                return
            }
            say("\(transcript.path)\t\(transcript.text)")
            let words: [[String: Any]] = transcript.words.map { word in
                ["word": word.word, "start_time": thousandths(word.start), "end_time": thousandths(word.end),
                 "confidence": thousandths(word.confidence)]
            }
            let segments: [[String: Any]] = transcript.segments.map { segment in
                ["start_time": thousandths(segment.start), "end_time": thousandths(segment.end),
                 "transcript": segment.words.map(\.word).joined(separator: " ")]
            }
            var line: [String: Any] = ["audio_filepath": transcript.path, "duration": transcript.duration, "transcript": transcript.text,
                                       "words": words, "segments": segments]
            if let offset = transcript.entry.offset { line["offset"] = offset }
            lines.append(line)
        }
        try writeJSONLines(lines, to: recorder.resultsDir.appendingPathComponent("infer.jsonl"))
        if let signal = recorder.stop.signal {
            let output = recorder.resultsDir.appendingPathComponent("infer.jsonl").path
            throw TaskError.interrupted(signal: signal, reason: "stopped by \(InterruptSignals.name(of: signal)) after \(lines.count) of "
                                        + "\(entries.count) files; their transcripts are in \(output)")
        }
        // Nothing transcribed: the run fails, with the first reason.
        if let first = failures.first, failures.count == entries.count { throw first }
        let transcribed = "transcribed \(entries.count - failures.count) files"
        return failures.isEmpty ? transcribed : transcribed + "; \(failures.count) could not be read (named above and in infer.jsonl)"
    }

    // MARK: Export

    static func export(_ spec: ExportSpec, model url: URL, key: String?, recorder: RunRecorder) throws -> String {
        let file = try SpeechModelFile.load(url, key: key)
        let output = try recorder.resultsFile(spec.exportTo, key: "export_to")
        var extras: [(String, Data)] = []
        var carried = ""
        if let lmPath = spec.lmPath {
            let languageModel = try NGramTask.load(URL(fileURLWithPath: lmPath), key: key)
            extras.append((NGramTask.binaryMember, try NGramTask.binaryData(languageModel)))
            carried = " with its \(languageModel.order)-gram LM"
        } else if let own = file.archive[NGramTask.binaryMember] {
            extras.append((NGramTask.binaryMember, own))
            carried = " with the LM it carried"
        }
        if let given = spec.decoding, given.alpha != nil || given.beta != nil || given.tokenMinLogp != nil {
            let tuned = (file.tunedDecoding ?? .standard).replacing(alpha: given.alpha, beta: given.beta, tokenMinLogp: given.tokenMinLogp)
            extras.append((TunedDecoding.member, try tuned.encoded()))
            carried += String(format: ", decoding alpha %g, beta %g, token_min_logp %g", tuned.alpha, tuned.beta, tuned.tokenMinLogp)
        } else if let own = file.archive[TunedDecoding.member] {
            extras.append((TunedDecoding.member, own))
            if spec.lmPath != nil {
                recorder.warn("the model keeps the decoding settings it was tuned with for its previous LM; tune them for this one "
                              + "(evaluate's decoding.alpha_grid and decoding.beta_grid) and give them as decoding.alpha and decoding.beta")
            }
        }
        try SpeechModelFile.save(file.model, trainingSpec: file.trainingSpec, tokenizer: file.tokenizer, to: output, key: key, extras: extras)
        try recorder.recordArtifact(output, kind: "export")
        return "exported to \(output.path)\(carried)" + (key == nil ? "" : " (encrypted)")
    }

    // MARK: Dataset conversion

    static func datasetConvert(_ spec: DatasetConvertSpec, recorder: RunRecorder, say: (String) -> Void) throws -> String {
        guard let layout = SpeechDatasetConverter.Layout(rawValue: spec.datasetName) else {
            throw SpecError.invalid(path: "dataset_name", reason: "'\(spec.datasetName)' is not a speech dataset layout")
        }
        let normalizer = TextNormalizer()
        let report = try SpeechDatasetConverter.convert(layout, source: URL(fileURLWithPath: spec.sourceDataDir),
                                                        target: URL(fileURLWithPath: spec.targetDataDir),
                                                        sampleRate: spec.sampleRate ?? 16000, normalize: normalizer.normalize)
        for problem in report.skipped { recorder.warn("skipped \(problem)") }
        for manifest in report.manifests {
            say(String(format: "%@: %d utterances, %.1f s of audio", manifest.url.path, manifest.utterances, manifest.seconds))
            try recorder.recordArtifact(manifest.url, kind: "manifest")
        }
        return "wrote \(report.manifests.count) manifests; \(report.skipped.count) files skipped (see the log)"
    }

    // MARK: Helpers

    /// A spec with `overrides` applied (e.g. a new vocabulary), checked against the spec's own schema.
    private static func overriding(_ spec: ResolvedSpec, _ overrides: [String]) throws -> ResolvedSpec {
        try ResolvedSpec.load(schema: spec.schema, yaml: spec.yaml(), name: "model spec", overrides: overrides, requireAll: false)
    }

    /// The override recording a subword model's labels as `model.decoder.vocabulary`.
    private static func vocabularyOverride(_ labels: [String]) -> String {
        "model.decoder.vocabulary=\(SpecWriter.flow(.list(labels.map(SpecValue.string))))"
    }

    /// The manifest's usable entries; character models also check transcripts against their labels.
    /// Warns about the utterances of `name` found (since the last warning) to have audio of another length than their
    /// manifest line gives, each file once.
    private static func warnDurations(_ report: DurationReport?, name: String, recorder: RunRecorder) {
        guard let found = report?.takeNew(), !found.isEmpty else { return }
        let shown = found.prefix(5).map { String(format: "%@ has %.2f s (listed %.2f s)", $0.path, $0.actual, $0.listed) }
        recorder.warn("\(name): \(found.count) utterance\(found.count == 1 ? "" : "s") of another length than the manifest says: "
                      + shown.joined(separator: "; ") + (found.count > 5 ? "; and \(found.count - 5) more" : "")
                      + " (the durations decide min_duration/max_duration and batching: correct the manifest, or the file if it was cut short)")
    }

    private static func readManifest(_ dataset: ManifestDatasetSpec, tokenizer: SpeechTokenizer, recorder: RunRecorder, name: String) throws -> ManifestContents {
        let labels = tokenizer.kind == .characters ? Set(tokenizer.labels.joined()) : nil
        let rules = ManifestRules(minDuration: dataset.minDuration, maxDuration: dataset.maxDuration,
                                  labels: labels, normalizeTranscripts: dataset.normalizeTranscripts,
                                  strict: dataset.strict)
        let contents = try Manifest.read(dataset.manifestFilepath, rules: rules)
        warnSkipped(contents, name: name, recorder: recorder)
        recorder.log("\(name): \(contents.entries.count) utterances (\(String(format: "%.1f", contents.duration)) s), "
                     + "\(contents.problems.count) bad lines, \(contents.filteredByDuration) outside the duration limits, "
                     + "\(contents.normalized) transcripts normalized")
        return contents
    }

    /// Names the manifest lines that were skipped as bad (the first 20).
    private static func warnSkipped(_ contents: ManifestContents, name: String, recorder: RunRecorder) {
        for problem in contents.problems.prefix(20) { recorder.warn("\(name): skipped \(problem)") }
        if contents.problems.count > 20 { recorder.warn("\(name): \(contents.problems.count - 20) more lines skipped") }
    }
}

