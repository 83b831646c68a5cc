import Foundation
import TAONLP
import TAOTensor
import TAOText

/// `tao text_classification | token_classification | intent_slot_classification | punctuation_and_capitalization`:
/// one BERT encoder with a task head; the subtasks share these loops and differ only in data, heads and metrics.
enum TextTask {
    // MARK: Train and finetune

    /// Fine-tunes a pretrained (or randomly initialized) encoder with new heads on `data_dir`.
    static func train(_ task: TaskName, spec resolved: ResolvedSpec, recorder: RunRecorder) throws -> String {
        let common = try resolved.decode(TextTrainingCommon.self)
        let settings = try TextModelSettings.of(resolved, task: task)
        let seed = UInt64(max(common.trainer.seed, 0))
        var pretrained = try TextEncoderSource.load(settings.languageModel, tokenizer: settings.tokenizer, seed: seed)
        let (training, validation) = try datasets(task, resolved: resolved, dataDir: common.dataDir, settings: settings, labels: nil)
        if let layers = settings.languageModel.numLayers {
            guard layers >= 1 && layers <= pretrained.config.numHiddenLayers else {
                throw SpecError.invalid(path: "model.language_model.num_layers",
                                        reason: "must be 1...\(pretrained.config.numHiddenLayers) (the encoder's layers), got \(layers)")
            }
            pretrained = try pretrained.keepingLayers(layers)
        }
        if settings.languageModel.trimVocabulary {
            pretrained = try pretrained.keepingTokens(try pieceIDs(of: training, tokenizer: pretrained.tokenizer))
        }
        recorder.log("encoder: \(pretrained.config.numHiddenLayers) layers, hidden \(pretrained.config.hiddenSize), "
                     + "\(pretrained.tokenizer.vocabulary.count) WordPiece tokens", echo: true)
        let model = try TextTaskModels.make(task, encoder: pretrained.model, labels: training.labels, settings: settings,
                                            classWeights: TextDataFiles.classWeights(training, settings: settings), seed: seed)
        let run = TextTrainingRun(task: task, model: model, tokenizer: pretrained.tokenizer, settings: settings, training: training,
                                  validation: validation, trainer: common.trainer, optim: common.optim, saveTo: common.saveTo,
                                  saveBestModel: common.expManager.checkpointCallbackParams.saveBestModel,
                                  archiveSpec: resolved, batching: try batching(task, resolved), origin: .train)
        return try fit(run, recorder: recorder)
    }

    /// Continues training a `.tao` text model on new data with the same labels.
    static func finetune(_ task: TaskName, spec resolved: ResolvedSpec, model url: URL, key: String?, recorder: RunRecorder) throws -> String {
        let common = try resolved.decode(TextTrainingCommon.self)
        let file = try TextModelFile.load(url, key: key, expected: task)
        let (training, validation) = try datasets(task, resolved: resolved, dataDir: common.dataDir, settings: file.settings,
                                                  labels: file.labels)
        let run = TextTrainingRun(task: task, model: file.model, tokenizer: file.tokenizer, settings: file.settings, training: training,
                                  validation: validation, trainer: common.trainer, optim: common.optim, saveTo: common.saveTo,
                                  saveBestModel: common.expManager.checkpointCallbackParams.saveBestModel,
                                  archiveSpec: file.trainingSpec, batching: try batching(task, resolved),
                                  origin: try .finetune(of: url))
        return try fit(run, recorder: recorder)
    }

    /// Everything a training loop needs.
    struct TextTrainingRun {
        let task: TaskName
        let model: any TextTaskModel
        let tokenizer: BertTokenizer
        let settings: TextModelSettings
        let training: TextDataset
        let validation: TextDataset?
        let trainer: TrainerSpec
        let optim: OptimSpec
        let saveTo: String
        /// End with the best validated epoch's model rather than the last.
        let saveBestModel: Bool
        let archiveSpec: ResolvedSpec
        let batching: TextBatching
        /// What a checkpoint of this run records it started from.
        let origin: TrainingCheckpoint.Origin
    }

    /// How the training and validation rows are cut into batches.
    struct TextBatching {
        let trainingBatchSize: Int
        let validationBatchSize: Int
        /// Shuffle the training rows every epoch (else file order).
        let shuffle: Bool
        /// Leave out a last training batch smaller than the batch size.
        let dropLast: Bool

        /// Training batches per epoch: with bucketing only the last window's last batch can be short, so `drop_last`
        /// leaves out at most one.
        func batchesPerEpoch(_ batcher: TextBatcher) -> Int {
            batcher.batchCount - (dropLast && batcher.rows.count % batcher.batchSize != 0 ? 1 : 0)
        }

        /// The training batches of one epoch, as row indices.
        func epochPlan(_ batcher: TextBatcher, epoch: Int, seed: Int) -> [[Int]] {
            var rng = RandomGenerator(seed: UInt64(max(seed, 0)) &+ UInt64(epoch) &* 0x9E37_79B9)
            var plan = shuffle ? batcher.shuffledBatchIndices(using: &rng) : batcher.orderedBatchIndices()
            if dropLast { plan.removeAll { $0.count < batcher.batchSize } }
            return plan
        }
    }

    /// Trains with the spec's optimizer and schedule: batches shuffled and length-bucketed each epoch (file order with
    /// `training_ds.shuffle: false`), `accumulate_grad_batches` of them per optimizer step; validation metrics and a
    /// checkpoint each epoch (a rerun with the same -r resumes from it); the model at the end, or the model of the
    /// epoch with the best validation headline when `saveBestModel` is set.
    static func fit(_ run: TextTrainingRun, recorder: RunRecorder) throws -> String {
        useComputeThreads(run.trainer.numThreads)
        let output = try recorder.resultsFile(run.saveTo, key: "save_to")
        let encoder = try run.settings.textEncoder(run.task, tokenizer: run.tokenizer, config: run.model.bertModel.config,
                                                   labelling: try run.settings.pieceLabelling(for: run.training.labels))
        let segmenting = run.task == .punctuationAndCapitalization
        let rows = encoder.encode(run.training.texts, splitting: segmenting)
        guard !rows.isEmpty else { throw TaskError.cannotRead(path: "training data", reason: "no examples") }
        let batcher = try TextBatcher(rows: rows, batchSize: run.batching.trainingBatchSize, padID: run.tokenizer.padID, bucketing: true)
        let batchesPerEpoch = run.batching.batchesPerEpoch(batcher)
        guard batchesPerEpoch > 0 else {
            throw SpecError.invalid(path: "training_ds.drop_last", reason: "the \(rows.count) training rows fill no whole batch of "
                                    + "\(batcher.batchSize); lower training_ds.batch_size or set drop_last to false")
        }
        let stepsPerEpoch = run.trainer.stepsPerEpoch(batches: batchesPerEpoch)
        let totalSteps = try run.trainer.plannedSteps(stepsPerEpoch: stepsPerEpoch)
        let optimizer = try OptimizerFactory.optimizer(run.optim, parameters: run.model.parameters)
        let schedule = try OptimizerFactory.schedule(run.optim, totalSteps: totalSteps)
        let dropped = rows.reduce(0) { $0 + $1.droppedWords }
        recorder.log("model: \(run.model.parameters.reduce(0) { $0 + $1.count }) parameters; \(run.training.texts.count) training examples "
                     + "(\(rows.count) rows, \(dropped) words past max_seq_length dropped), \(stepsPerEpoch) steps per epoch", echo: true)
        var step = 0, items = 0, firstEpoch = 0
        var last: TextEvaluation?
        let checkpoint = recorder.resultsDir.appendingPathComponent("checkpoints/last.tao")
        let resumed = try TrainingCheckpoint.resume(run.model, optimizer: optimizer, from: checkpoint, origin: run.origin)
        var keeper = BestModelKeeper(enabled: run.saveBestModel, higherIsBetter: true, resultsDir: recorder.resultsDir, resumed: resumed)
        if let resumed {
            (firstEpoch, step, items) = (resumed.epochs, resumed.step, resumed.items)
            recorder.log("resuming from \(checkpoint.path): \(resumed.done)", echo: true)
            if let done = run.trainer.nothingLeft(epochsDone: firstEpoch, stepsDone: step, plannedSteps: totalSteps) { recorder.log(done, echo: true) }
        }
        let clip = run.trainer.gradientClipVal > 0 ? Float(run.trainer.gradientClipVal) : nil
        let epochs = run.trainer.remainingEpochs(after: firstEpoch)
        let checkpointer = TrainingCheckpointer(
            url: checkpoint, origin: run.origin, stop: recorder.stop, optimizer: optimizer, totalSteps: totalSteps,
            stepsPerEpoch: stepsPerEpoch, epochs: epochs, stepsAtResume: resumed?.step
        ) { extras in
            try TextModelFile.save(run.model, task: run.task, tokenizer: run.tokenizer, labels: run.training.labels, settings: run.settings,
                                   trainingSpec: run.archiveSpec, to: checkpoint, key: nil, extras: extras)
        }
        for epoch in epochs {
            guard step < totalSteps else { break }
            // A run stopped during this epoch took its first steps already.
            let partial = epoch == firstEpoch ? resumed?.partial : nil
            var epochLoss = partial?.lossSum ?? 0, batches = partial?.steps ?? 0
            let plan = run.batching.epochPlan(batcher, epoch: epoch, seed: run.trainer.seed)
            for group in run.trainer.stepGroups(plan).dropFirst(partial?.steps ?? 0) {
                guard step < totalSteps else { break }
                let rate = schedule.learningRate(at: step)
                optimizer.learningRate = rate
                let loss = run.model.trainingStep(accumulating: group.map(batcher.batch), optimizer: optimizer, maxGradientNorm: clip)
                step += 1
                batches += 1
                items += group.reduce(0) { $0 + $1.count }
                epochLoss += Double(loss)
                if step % max(run.trainer.logEveryNSteps, 1) == 0 {
                    try recorder.progress(epoch: epoch, step: step, totalSteps: totalSteps, loss: Double(loss),
                                          learningRate: Double(rate), items: items)
                }
                try checkpointer.afterStep(epoch: epoch, step: step, items: items, best: keeper.best,
                                           partial: .init(steps: batches, lossSum: epochLoss, unaligned: 0))
            }
            var metrics = ["train_loss": epochLoss / Double(max(batches, 1))]
            if let validation = run.validation, (epoch + 1) % max(run.trainer.checkValEveryNEpoch, 1) == 0 {
                let evaluation = try checkpointer.validating(epoch: epoch, step: step, items: items, best: keeper.best,
                                                             partial: .init(steps: batches, lossSum: epochLoss, unaligned: 0)) { stop in
                    try evaluate(run.model, task: run.task, data: validation, encoder: encoder, batchSize: run.batching.validationBatchSize,
                                 stop: stop)
                }
                for (name, value) in evaluation.metrics { metrics["val_" + name] = value }
                last = evaluation
                try keeper.consider(epoch: epoch + 1, value: evaluation.headline.value) { file in
                    try TextModelFile.save(run.model, task: run.task, tokenizer: run.tokenizer, labels: run.training.labels,
                                           settings: run.settings, trainingSpec: run.archiveSpec, to: file, key: nil)
                }
            }
            try recorder.progress(epoch: epoch, step: step, totalSteps: totalSteps, metrics: metrics,
                                  learningRate: Double(optimizer.learningRate), items: items)
            try checkpointer.afterEpoch(epoch, step: step, items: items, best: keeper.best)
        }
        if let untouched = checkpointer.untouched(after: step, output: output) { return untouched }
        var summary = last.map { String(format: "; validation %@ %.4f", $0.headline.name, $0.headline.value) } ?? ""
        if let kept = try keeper.finish(to: output) {
            summary += "; " + kept
        } else {
            try TextModelFile.save(run.model, task: run.task, tokenizer: run.tokenizer, labels: run.training.labels, settings: run.settings,
                                   trainingSpec: run.archiveSpec, to: output, key: nil)
        }
        try recorder.recordArtifact(output, kind: "model")
        return "trained \(step) steps; model in \(output.path)" + summary
    }

    // MARK: Evaluate

    /// Scores a `.tao` text model on a labelled split; writes metrics.json, report.txt, confusion_matrix.tsv and
    /// predictions.jsonl.
    static func evaluate(_ task: TaskName, spec resolved: ResolvedSpec, model url: URL, key: String?, recorder: RunRecorder,
                         say: (String) -> Void) throws -> String {
        let common = try resolved.decode(TextEvaluateCommon.self)
        let file = try TextModelFile.load(url, key: key, expected: task)
        let dataset = try testDataset(task, resolved: resolved)
        let data = try TextDataFiles.read(task, dataDir: common.dataDir, dataset: dataset, settings: file.settings, labels: file.labels)
        let encoder = try file.settings.textEncoder(task, tokenizer: file.tokenizer, config: file.model.bertModel.config)
        let start = Date()
        let predictions = try TextPredictions.predict(file.model, texts: data.texts, encoder: encoder, tokenLabels: data.labels.tokens,
                                                      segmenting: task == .punctuationAndCapitalization, batchSize: dataset.batchSize)
        let evaluation = TextEvaluation.score(task, data: data, predictions: predictions)
        let seconds = Date().timeIntervalSince(start)
        var metrics: [String: Any] = evaluation.metrics.mapValues { $0 as Any }
        metrics["num_examples"] = data.texts.count
        metrics["examples_per_second"] = seconds > 0 ? Double(data.texts.count) / seconds : 0
        for (name, report) in evaluation.reports { metrics[name] = report }
        try writeJSON(metrics, to: recorder.resultsDir.appendingPathComponent("metrics.json"))
        try writeText(evaluation.tables.joined(separator: "\n"), to: recorder.resultsDir.appendingPathComponent("report.txt"))
        if let confusion = evaluation.confusion {
            let matrixFile = recorder.resultsDir.appendingPathComponent("confusion_matrix.tsv")
            try writeText(confusion.text(), to: matrixFile)
        }
        try writeJSONLines(rows(task, texts: data.texts, predictions: predictions, labels: file.labels, references: true),
                           to: recorder.resultsDir.appendingPathComponent("predictions.jsonl"))
        try recorder.progress(step: 0, metrics: evaluation.metrics)
        for table in evaluation.tables { say(table) }
        let headline = evaluation.metrics.keys.sorted().filter { !$0.contains("macro") }.prefix(8)
            .map { String(format: "%@ %.4f", $0, evaluation.metrics[$0] ?? 0) }.joined(separator: ", ")
        return "\(data.texts.count) examples: \(headline)"
    }

    static func evaluate(_ model: any TextTaskModel, task: TaskName, data: TextDataset, encoder: TextEncoder, batchSize: Int,
                         stop: StopRequest? = nil) throws -> TextEvaluation {
        let predictions = try TextPredictions.predict(model, texts: data.texts, encoder: encoder, tokenLabels: data.labels.tokens,
                                                      segmenting: task == .punctuationAndCapitalization, batchSize: batchSize, stop: stop)
        return TextEvaluation.score(task, data: data, predictions: predictions)
    }

    // MARK: Infer

    /// Queries labelled between two checks for Ctrl-C (and printed together).
    static let inferChunk = 128

    /// Labels the queries of `input_batch` or `input_file`: prints one line per query and writes infer.jsonl. Ctrl-C
    /// ends it after the queries in hand, whose lines are still written.
    static func infer(_ task: TaskName, spec: TextQueriesSpec, model url: URL, key: String?, recorder: RunRecorder,
                      say: (String) -> Void) throws -> String {
        let file = try TextModelFile.load(url, key: key, expected: task)
        var queries = spec.inputBatch
        if let inputFile = spec.inputFile {
            queries = try DataFile.lines(inputFile, expected: "sentences to label, one per line (input_file)")
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }
        guard !queries.isEmpty else { throw SpecError.invalid(path: "input_batch", reason: "no queries (give input_batch or input_file)") }
        let texts = queries.map { query in
            LabelledText(words: task == .punctuationAndCapitalization ? PunctuationCapitalizationData.queryWords(query)
                                                                       : DataFile.words(query))
        }
        let encoder = try file.settings.textEncoder(task, tokenizer: file.tokenizer, config: file.model.bertModel.config)
        var lines: [[String: Any]] = []
        for start in stride(from: 0, to: texts.count, by: inferChunk) where recorder.stop.signal == nil {
            let chunk = Array(texts[start..<min(start + inferChunk, texts.count)])
            let predictions = try TextPredictions.predict(file.model, texts: chunk, encoder: encoder, tokenLabels: file.labels.tokens,
                                                          segmenting: task == .punctuationAndCapitalization, batchSize: 32)
            for (query, result) in zip(queries[start...], rows(task, texts: chunk, predictions: predictions, labels: file.labels, references: false)) {
                say(query + "\t" + (result["summary"] as? String ?? ""))
                lines.append(result.merging(["query": query]) { $1 })
            }
        }
        let output = recorder.resultsDir.appendingPathComponent("infer.jsonl")
        try writeJSONLines(lines, to: output)
        if let signal = recorder.stop.signal {
            throw TaskError.interrupted(signal: signal, reason: "stopped by \(InterruptSignals.name(of: signal)) after \(lines.count) of "
                                        + "\(queries.count) queries; their labels are in \(output.path)")
        }
        return "labelled \(queries.count) queries; details in \(output.path)"
    }

    /// One JSON object per text: predicted labels with probabilities, spans for tag heads, and a one-line summary;
    /// with `references`, the reference labels too.
    static func rows(_ task: TaskName, texts: [LabelledText], predictions: TextPredictions, labels: TextLabels,
                     references: Bool) -> [[String: Any]] {
        let (sequences, tokens) = (predictions.sequence, predictions.tokens)
        return texts.indices.map { index in
            let text = texts[index]
            var row: [String: Any] = ["words": text.words]
            var summary: [String] = []
            if let sequence = labels.sequence, let predicted = sequences[index] {
                let name = sequence.label(for: predicted.label) ?? "?"
                row["label"] = name
                row["probability"] = Double(predicted.probability)
                summary.append(String(format: "%@ (%.3f)", name, predicted.probability))
                if references, let reference = text.sequenceLabel { row["reference"] = sequence.label(for: reference) ?? "?" }
            }
            if task == .punctuationAndCapitalization {
                let punctuated = zip(text.words, zip(tokens[0][index], tokens[1][index])).map { word, heads in
                    let label = PunctuationCapitalizationData.label(punctuation: heads.0.label, capitalization: heads.1.label) ?? .none
                    return marked(word, label)
                }.joined(separator: " ")
                row["text"] = punctuated
                summary.append(punctuated)
            } else if let tags = labels.tokens.first, tokens.indices.contains(0) {
                let predicted = tokens[0][index]
                let names = predicted.map { tags.label(for: $0.label) ?? "?" }
                row["tags"] = names
                let spans = EntitySpan.spans(in: names).map { span -> [String: Any] in
                    let words = text.words[span.start..<min(span.end, text.words.count)].joined(separator: " ")
                    let confidence = predicted[span.start..<min(span.end, predicted.count)].map(\.probability).min() ?? 0
                    return ["type": span.type, "start": span.start, "end": span.end, "text": words, "probability": Double(confidence)]
                }
                row["spans"] = spans
                summary += spans.map { String(format: "%@: \"%@\" (%.2f)", $0["type"] as? String ?? "", $0["text"] as? String ?? "",
                                              $0["probability"] as? Double ?? 0) }
                if references, !text.wordLabels.isEmpty { row["reference_tags"] = text.wordLabels[0].map { tags.label(for: $0) ?? "?" } }
            }
            row["summary"] = summary.joined(separator: "\t")
            return row
        }
    }

    /// `word` capitalized and followed by its mark as `label` says.
    private static func marked(_ word: String, _ label: PunctuationCapitalizationLabel) -> String {
        let cased = label.capitalized ? word.prefix(1).uppercased() + word.dropFirst() : word
        return label.punctuation == "O" ? cased : cased + String(label.punctuation)
    }

    // MARK: Export

    /// Re-writes a text model for inference (no training state), encrypted with `-k`.
    static func export(_ task: TaskName, spec: ExportSpec, model url: URL, key: String?, recorder: RunRecorder) throws -> String {
        let file = try TextModelFile.load(url, key: key, expected: task)
        let output = try recorder.resultsFile(spec.exportTo, key: "export_to")
        let storage = WeightStorage(rawValue: spec.weightsDtype ?? "float32") ?? .float32
        var (model, tokenizer) = (file.model, file.tokenizer)
        let size = spec.vocabularySize ?? 0
        guard size >= 0 else { throw SpecError.invalid(path: "vocabulary_size", reason: "must be 0 (keep all) or more, got \(size)") }
        guard size > 0 || spec.dataDir == nil else {
            throw SpecError.invalid(path: "data_dir", reason: "is read only to keep its pieces when vocabulary_size cuts the vocabulary; "
                                    + "set vocabulary_size=N too, or drop data_dir")
        }
        if size > 0 && size < tokenizer.vocabulary.count {
            var kept = Set(0..<size)
            if let dataDir = spec.dataDir {
                let training = try TextDataFiles.read(task, dataDir: dataDir, dataset: try datasetSpec(task, file.trainingSpec, at: "training_ds"),
                                                      settings: file.settings, labels: file.labels)
                kept.formUnion(try pieceIDs(of: training, tokenizer: tokenizer))
            }
            (model, tokenizer) = try file.keepingTokens(kept)
            recorder.log("vocabulary cut from \(file.tokenizer.vocabulary.count) to \(tokenizer.vocabulary.count) WordPiece tokens", echo: true)
        }
        try TextModelFile.save(model, task: task, tokenizer: tokenizer, labels: file.labels, settings: file.settings,
                               trainingSpec: file.trainingSpec, to: output, key: key, storage: storage)
        try recorder.recordArtifact(output, kind: "export")
        return "exported to \(output.path)" + (storage == .float32 ? "" : " with \(storage.rawValue) weights") + (key == nil ? "" : " (encrypted)")
    }

    // MARK: Dataset conversion

    /// Converts a dataset as distributed into the task's format: ATIS, SNIPS, CoNLL, raw text.
    static func datasetConvert(_ task: TaskName, spec: DatasetConvertSpec, recorder: RunRecorder, say: (String) -> Void) throws -> String {
        let (source, target) = (spec.sourceDataDir, spec.targetDataDir)
        let summary: ConversionSummary
        switch (task, spec.datasetName) {
        case (.intentSlotClassification, "atis"): summary = try ATISConverter.toIntentSlot(source: source, target: target)
        case (.intentSlotClassification, "snips"): summary = try SNIPSConverter.toIntentSlot(source: source, target: target)
        case (.textClassification, "atis"): summary = try ATISConverter.toTextClassification(source: source, target: target)
        case (.tokenClassification, "conll"):
            summary = try CoNLLConverter.toTokenClassification(files: try splitFiles(source, extensions: nil, target: target), target: target)
        case (.punctuationAndCapitalization, "text"):
            let files = try splitFiles(source, extensions: ["txt"], target: target)
            var options = PunctuationTextConverter.Options()
            if let maxWords = spec.maxWords { options.maxWords = maxWords }
            options.sentenceWindows = spec.sentenceWindows ?? false
            summary = try PunctuationTextConverter.toPunctuationCapitalization(
                train: files.filter { $0.split == "train" }.map(\.file), test: files.filter { $0.split == "test" }.map(\.file),
                target: target, options: options)
        default:
            throw SpecError.invalid(path: "dataset_name", reason: "'\(spec.datasetName)' cannot be converted for \(task.rawValue)")
        }
        for item in summary.skipped.prefix(50) { recorder.warn("skipped \(item)") }
        if summary.skipped.count > 50 { recorder.warn("\(summary.skipped.count - 50) more items skipped (see the log)") }
        if let empty = summary.examples.filter({ $0.value == 0 }).keys.sorted().first {
            throw TaskError.cannotRead(path: source, reason: "no usable examples for the \(empty) split (\(summary.skipped.count) items skipped; "
                                       + "is dataset_name=\(spec.datasetName) the layout of this folder?)")
        }
        for file in summary.files {
            say("\(file.path): \(file.count) lines")
            try recorder.recordArtifact(URL(fileURLWithPath: file.path), kind: "dataset")
        }
        return "wrote \(summary.files.count) files into \(target); \(summary.skipped.count) items skipped"
    }

    /// The files of a source folder with the split each becomes: a name containing `test` -> test, `dev` or `valid`
    /// -> dev, anything else -> train. When the conversion writes into the source folder itself (`target`), the
    /// task data files an earlier run wrote there are not read back as data.
    private static func splitFiles(_ folder: String, extensions: Set<String>?, target: String) throws -> [(file: String, split: String)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw TaskError.cannotRead(path: folder, reason: FileManager.default.fileExists(atPath: folder) ? "not a readable folder" : "no such folder")
        }
        let resolved = { (path: String) in URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path }
        let intoItself = resolved(folder) == resolved(target)
        let files = names.sorted().filter { name in
            !name.hasPrefix(".") && (extensions.map { $0.contains((name as NSString).pathExtension.lowercased()) } ?? true)
                && !(intoItself && isTaskDataFile(name))
        }
        guard !files.isEmpty else { throw TaskError.cannotRead(path: folder, reason: "no data files in it") }
        return files.map { name in
            let lower = name.lowercased()
            let split = lower.contains("test") ? "test" : (lower.contains("dev") || lower.contains("valid") ? "dev" : "train")
            return ((folder as NSString).appendingPathComponent(name), split)
        }
    }

    /// Whether `name` is one of the files the text tasks' conversions write (`text_train.txt`, `labels_dev.txt`,
    /// `punct_label_ids.csv`, `dict.intents.csv`, ...).
    static func isTaskDataFile(_ name: String) -> Bool {
        let stem = (name as NSString).deletingPathExtension, ext = (name as NSString).pathExtension
        let splits = ["train", "dev", "test"]
        if ext == "txt", let prefix = ["text_", "labels_"].first(where: stem.hasPrefix) { return splits.contains(String(stem.dropFirst(prefix.count))) }
        if ext == "tsv" { return splits.contains(stem) }
        return ext == "csv" && (stem.hasSuffix("label_ids") || stem.hasPrefix("dict."))
    }

    // MARK: Spec helpers

    /// The training and validation splits (validation optional), with the training split's labels applied to both.
    private static func datasets(_ task: TaskName, resolved: ResolvedSpec, dataDir: String, settings: TextModelSettings,
                                 labels: TextLabels?, trainingKey: String = "training_ds") throws -> (TextDataset, TextDataset?) {
        let training = try TextDataFiles.read(task, dataDir: dataDir, dataset: try datasetSpec(task, resolved, at: trainingKey),
                                              settings: settings, labels: labels)
        let validation = try resolved["validation_ds"].flatMap { value -> TextDataset? in
            if value == .null { return nil }
            return try TextDataFiles.read(task, dataDir: dataDir, dataset: try datasetSpec(task, resolved, at: "validation_ds"),
                                          settings: settings, labels: training.labels)
        }
        return (training, validation)
    }

    /// The WordPiece ids the words of `data` are cut into.
    private static func pieceIDs(of data: TextDataset, tokenizer: BertTokenizer) throws -> Set<Int> {
        let encoder = try TextEncoder(tokenizer: tokenizer, maxSequenceLength: Int.max / 4)
        return Set(data.texts.flatMap { encoder.wordPieceIDs($0.words).flatMap { $0 } })
    }

    private static func datasetSpec(_ task: TaskName, _ resolved: ResolvedSpec, at path: String) throws -> any TextDatasetSpec {
        switch task {
        case .textClassification, .intentSlotClassification: try resolved.decode(PrefixDatasetSpec.self, at: path)
        default: try resolved.decode(TextFileDatasetSpec.self, at: path)
        }
    }

    private static func testDataset(_ task: TaskName, resolved: ResolvedSpec) throws -> any TextDatasetSpec {
        try datasetSpec(task, resolved, at: "test_ds")
    }

    private static func batching(_ task: TaskName, _ resolved: ResolvedSpec) throws -> TextBatching {
        let training = try datasetSpec(task, resolved, at: "training_ds")
        let validation = resolved["validation_ds"] == .null ? training.batchSize : (try? datasetSpec(task, resolved, at: "validation_ds").batchSize) ?? training.batchSize
        return TextBatching(trainingBatchSize: training.batchSize, validationBatchSize: validation,
                            shuffle: training.shuffle, dropLast: training.dropLast)
    }

}

/// The parts of a text train or finetune spec every task shares.
struct TextTrainingCommon: Decodable {
    var trainer: TrainerSpec
    var saveTo: String
    var dataDir: String
    var optim: OptimSpec
    var expManager: ExperimentManagerSpec
}

/// The parts of a text evaluate spec every task shares.
struct TextEvaluateCommon: Decodable {
    var dataDir: String
}
