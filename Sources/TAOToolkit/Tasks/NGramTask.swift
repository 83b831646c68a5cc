import Foundation
import TAODecoding
import TAONLP
import TAOText

/// `tao n_gram dataset_convert | train | evaluate | infer | export`: KenLM-compatible n-gram language models.
///
/// A trained model is a `.tao` archive holding the training spec (`model_config.yaml`) and the model as ARPA
/// text (`model.arpa`); `evaluate`, `infer` and `export` also take a plain ARPA file or tao's binary format as `-m`.
enum NGramTask {
    static let arpaMember = "model.arpa"
    /// The binary form inside an archive (a speech model carrying its LM, an encrypted binary export).
    static let binaryMember = "lm.bin"

    // MARK: Dataset conversion

    /// A folder of text files (matching `extension`) becomes one normalized corpus, one sentence per line.
    static func datasetConvert(_ spec: NGramDatasetConvertSpec, recorder: RunRecorder) throws -> String {
        let source = URL(fileURLWithPath: spec.sourceDataDir)
        let suffix = spec.extension.hasPrefix("*") ? String(spec.extension.dropFirst()) : spec.extension
        guard let enumerator = FileManager.default.enumerator(at: source, includingPropertiesForKeys: nil) else {
            throw TaskError.cannotRead(path: source.path, reason: "no such folder (source_data_dir)")
        }
        let target = URL(fileURLWithPath: spec.targetDataDir)
        let output = target.appendingPathComponent("corpus.txt")
        // A target inside the source must not read its earlier corpus back in (one more copy each run).
        let ownOutput = output.resolvingSymlinksInPath().standardizedFileURL.path
        let files = enumerator.compactMap { $0 as? URL }
            .filter { $0.lastPathComponent.hasSuffix(suffix) && $0.resolvingSymlinksInPath().standardizedFileURL.path != ownOutput }
            .sorted { $0.path < $1.path }
        guard !files.isEmpty else { throw TaskError.cannotRead(path: source.path, reason: "no files ending in '\(suffix)' below it") }
        let normalizer = TextNormalizer()
        var lines: [String] = [], words = 0
        for file in files {
            for line in try DataFile.lines(file.path, expected: "text") {
                let text = normalizer.normalize(line)
                guard !text.isEmpty else { continue }
                words += text.split(separator: " ").count
                lines.append(text)
            }
        }
        do {
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        } catch {
            throw TaskError.cannotWrite(path: target.path, reason: error.localizedDescription)
        }
        try writeText(lines.joined(separator: "\n") + "\n", to: output)
        try recorder.recordArtifact(output, kind: "corpus")
        return "wrote \(output.path): \(lines.count) sentences, \(words) words from \(files.count) files"
    }

    // MARK: Train

    /// Estimates a word LM from the corpus (a text file in bounded memory), or with `model.tokenizer` /
    /// `model.speech_model` a subword LM as NeMo's `train_kenlm.py` makes one: each sentence tokenized, token id t
    /// written as the word chr(t + 100), estimated with discount fallback. Beam search fuses such an LM token by token.
    static func train(_ spec: NGramTrainSpec, resolved: ResolvedSpec, key: String?, recorder: RunRecorder) throws -> String {
        var options = KneserNeyOptions(order: spec.model.order, pruning: spec.model.pruning, discountFallback: spec.model.discountFallback)
        let memory = try memoryBytes(spec.model.memory)
        let config = Data(resolved.yaml(header: ["The spec this language model was estimated with."]).utf8)
        let output = try recorder.resultsFile(spec.saveTo, key: "save_to")
        let tokenizer = try subwordTokenizer(spec.model, key: key)
        let summary: NGramEstimateSummary
        if tokenizer == nil && !(spec.trainingDs.isFile && spec.trainingDs.dataFile.hasSuffix(".json")) {
            // Estimated in bounded memory into a temporary ARPA file, which the archive copies in blocks; a folder's
            // .txt files are first joined into one temporary corpus.
            let arpa = TemporaryFiles.url("ngram", extension: "arpa")
            let joined = spec.trainingDs.isFile ? nil : try joinFolder(spec.trainingDs.dataFile)
            defer {
                try? FileManager.default.removeItem(at: arpa)
                if let joined { try? FileManager.default.removeItem(at: joined) }
            }
            summary = try KneserNeyEstimator.writeARPA(corpus: joined?.path ?? spec.trainingDs.dataFile, options: options, memoryBytes: memory, to: arpa.path)
            try ModelArchive.write([(ModelArchive.configName, config)], fileMember: (arpaMember, arpa), to: output)
        } else {
            var sentences = spec.trainingDs.isFile ? try corpusLines(spec.trainingDs.dataFile) : try folderSentences(spec.trainingDs.dataFile)
            if let tokenizer {
                options.discountFallback = true
                sentences = sentences.map { SubwordLMEncoding.sentence(tokenizer.encode($0)) }.filter { !$0.isEmpty }
                recorder.log("subword LM: \(sentences.count) sentences encoded with \(tokenizer.source) (\(tokenizer.labels.count) tokens, "
                             + "token id t as chr(t + \(SubwordLMEncoding.offset))); discount fallback on")
            }
            let estimate = try KneserNeyEstimator.estimate(sentences: sentences, options: options)
            summary = estimate.summary
            var archive = ModelArchive()
            archive[ModelArchive.configName] = config
            archive[arpaMember] = Data(estimate.arpaText().utf8)
            try archive.write(to: output)
        }
        for message in summary.messages { recorder.warn(message) }
        try recorder.recordArtifact(output, kind: "model")
        let counts = summary.counts.enumerated().map { "\($0.offset + 1)-grams \($0.element)" }.joined(separator: ", ")
        return "estimated an order-\(spec.model.order) model from \(summary.sentenceCount) sentences (\(counts)); saved to \(output.path)"
    }

    /// `model.memory` in bytes: a number with an optional K, M or G suffix (powers of 1024), at least 1M.
    static func memoryBytes(_ text: String) throws -> Int {
        let units: [Character: Double] = ["K": 1024, "M": 1024 * 1024, "G": 1024 * 1024 * 1024]
        var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
        var scale = 1.0
        if let last = digits.last, let unit = units[last] {
            digits.removeLast()
            scale = unit
        }
        guard let value = Double(digits), value.isFinite, value * scale >= 1024 * 1024, value * scale < 1e15 else {
            throw SpecError.invalid(path: "model.memory", reason: "'\(text)' is not a size such as 512M or 2G (at least 1M)")
        }
        return Int(value * scale)
    }

    // MARK: Evaluate

    static func evaluate(_ spec: NGramEvaluateSpec, model url: URL, key: String?, recorder: RunRecorder) throws -> String {
        let model = try load(url, key: key)
        let sentences = try readLines(spec.testDs.dataFile)
        guard !sentences.isEmpty else {
            throw SpecError.invalid(path: "test_ds.data_file", reason: "\(spec.testDs.dataFile) has no sentences to score")
        }
        let perplexity = model.perplexity(sentences)
        // Every token out of the vocabulary leaves no perplexity without them: null in JSON, which has no NaN.
        let excludingOOV: Any = perplexity.excludingOOV.isFinite ? perplexity.excludingOOV : NSNull()
        try writeJSON([
            "perplexity": perplexity.includingOOV, "perplexity_excluding_oov": excludingOOV,
            "oov_rate": perplexity.oovRate, "tokens": perplexity.tokenCount, "oov_tokens": perplexity.oovCount,
            "sentences": sentences.count, "log10_probability": perplexity.log10Total,
        ], to: recorder.resultsDir.appendingPathComponent("metrics.json"))
        try recorder.progress(step: 0, metrics: ["perplexity": perplexity.includingOOV, "oov_rate": perplexity.oovRate])
        return String(format: "perplexity %.2f (%.2f without OOV), OOV rate %.2f%% over %d tokens", perplexity.includingOOV,
                      perplexity.excludingOOV, perplexity.oovRate * 100, perplexity.tokenCount)
    }

    // MARK: Infer

    static func infer(_ spec: TextQueriesSpec, model url: URL, key: String?, recorder: RunRecorder, say: (String) -> Void) throws -> String {
        let model = try load(url, key: key)
        var sentences = spec.inputBatch
        if let file = spec.inputFile { sentences = try readLines(file) }
        var lines: [[String: Any]] = []
        for sentence in sentences {
            let scores = model.fullScores(sentence)
            let total = scores.reduce(0.0) { $0 + Double($1.log10Prob) }
            // The scorer's own word split, so each word meets its score.
            let words = NGramModel.words(sentence) + ["</s>"]
            say(String(format: "%.4f\t%@", total, sentence))
            lines.append(["sentence": sentence, "log10_probability": total,
                          "words": zip(words, scores).map { ["word": $0, "log10_probability": Double($1.log10Prob),
                                                            "ngram_length": $1.ngramLength, "oov": $1.isOOV] }])
        }
        try writeJSONLines(lines, to: recorder.resultsDir.appendingPathComponent("infer.jsonl"))
        return "scored \(sentences.count) sentences (log10 probabilities with <s> and </s>)"
    }

    // MARK: Export

    static func export(_ spec: ExportSpec, model url: URL, key: String?, recorder: RunRecorder) throws -> String {
        let model = try load(url, key: key)
        let output = try recorder.resultsFile(spec.exportTo, key: "export_to")
        if let key {
            // Encrypted, the ARPA text or binary file travels as the one member of an encrypted archive; `-m` with
            // the key opens it wherever an LM is read.
            var archive = ModelArchive()
            archive[spec.exportFormat == "binary" ? binaryMember : arpaMember] = spec.exportFormat == "binary"
                ? try binaryData(model) : Data(ARPAWriter.text(model).utf8)
            try archive.write(to: output, key: key)
        } else {
            switch spec.exportFormat {
            case "binary": try NGramBinary.write(model, to: output.path)
            default: try AtomicFile.replace(output) { try ARPAWriter.write(model, to: $0.path) }
            }
        }
        try recorder.recordArtifact(output, kind: "export")
        return "exported the model as \(spec.exportFormat) to \(output.path)" + (key == nil ? "" : " (encrypted)")
    }

    // MARK: Helpers

    /// A language model from a `.tao` archive, a binary file, or an ARPA file.
    static func load(_ url: URL, key: String?) throws -> NGramModel {
        guard let head = FileHandle(forReadingAtPath: url.path)?.readData(ofLength: 512) else {
            throw ArchiveError.unreadable(path: url.path, reason: FileManager.default.fileExists(atPath: url.path) ? "not readable" : "no such file")
        }
        if NGramBinary.isBinary(path: url.path) { return try NGramBinary.load(path: url.path) }
        if ArchiveCipher.isEncrypted(head) || (head.count >= 262 && head[257..<262] == Data("ustar".utf8)) {
            let archive = try ModelArchive.read(from: url, key: key)
            guard let model = try languageModel(in: archive, name: url.path) else {
                throw ArchiveError.missingMember(path: url.path, member: arpaMember)
            }
            return model
        }
        return try ARPAReader.read(path: url.path)
    }

    /// The LM an archive carries (binary or ARPA member), nil when it has none.
    static func languageModel(in archive: ModelArchive, name: String) throws -> NGramModel? {
        if let binary = archive[binaryMember] {
            let temporary = TemporaryFiles.url("lm", extension: "bin")
            defer { try? FileManager.default.removeItem(at: temporary) }
            do { try binary.write(to: temporary) } catch {
                throw TaskError.cannotWrite(path: temporary.path, reason: error.localizedDescription)
            }
            return try NGramBinary.load(path: temporary.path)
        }
        guard let text = archive[arpaMember] else { return nil }
        return try ARPAReader.read(text: String(decoding: text, as: UTF8.self), name: name + "!" + arpaMember)
    }

    /// The binary format of `model` as bytes.
    static func binaryData(_ model: NGramModel) throws -> Data {
        let temporary = TemporaryFiles.url("lm", extension: "bin")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try NGramBinary.write(model, to: temporary.path)
        do { return try Data(contentsOf: temporary) } catch {
            throw TaskError.cannotRead(path: temporary.path, reason: error.localizedDescription)
        }
    }

    /// The tokenizer of a subword LM (`model.tokenizer`, or the one inside `model.speech_model`), nil for a word LM.
    private static func subwordTokenizer(_ model: NGramModelSpec, key: String?) throws -> SpeechTokenizer? {
        if let path = model.speechModel {
            if model.tokenizer != nil { throw SpecError.invalid(path: "model.speech_model", reason: "give model.tokenizer or model.speech_model, not both") }
            let file = try SpeechModelFile.load(URL(fileURLWithPath: path), key: key)
            guard file.tokenizer.kind != .characters else {
                throw SpecError.invalid(path: "model.speech_model", reason: "\(path) is a character model; a subword LM needs a speech_to_text_citrinet model")
            }
            return file.tokenizer
        }
        return try model.tokenizer.map { try SpeechTokenizer.load(dir: $0.dir, type: $0.type) }
    }

    /// The sentences of a text file, or the `text` of each line of a NeMo manifest (`.json`).
    private static func corpusLines(_ path: String) throws -> [String] {
        let lines = try readLines(path)
        guard path.hasSuffix(".json") else { return lines }
        return try lines.enumerated().map { number, line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let text = object["text"] as? String else {
                throw TaskError.cannotRead(path: "\(path):\(number + 1)", reason: "not a manifest line with a \"text\" string")
            }
            return text
        }
    }

    private static func readLines(_ path: String) throws -> [String] {
        try DataFile.lines(path, expected: "text, one sentence per line").filter { !$0.isEmpty }
    }

    private static func folderSentences(_ folder: String) throws -> [String] {
        try folderFiles(folder).flatMap { try readLines(folder + "/" + $0) }
    }

    /// The .txt files below `folder` (relative paths, sorted).
    private static func folderFiles(_ folder: String) throws -> [String] {
        let files = (FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".txt") }.sorted()
        guard !files.isEmpty else { throw TaskError.cannotRead(path: folder, reason: "no .txt files in it (training_ds.is_file is false)") }
        return files
    }

    /// The .txt files of a folder copied, in blocks, into one temporary file, a newline after each.
    private static func joinFolder(_ folder: String) throws -> URL {
        let joined = TemporaryFiles.url("corpus", extension: "txt")
        guard FileManager.default.createFile(atPath: joined.path, contents: nil), let output = FileHandle(forWritingAtPath: joined.path) else {
            throw TaskError.cannotWrite(path: joined.path, reason: "cannot create a temporary corpus file")
        }
        defer { try? output.close() }
        do {
            for file in try folderFiles(folder) {
                let path = folder + "/" + file
                guard let input = FileHandle(forReadingAtPath: path) else { throw TaskError.cannotRead(path: path, reason: "not readable") }
                defer { try? input.close() }
                do {
                    while let block = try input.read(upToCount: 1 << 20), !block.isEmpty { try output.write(contentsOf: block) }
                    try output.write(contentsOf: Data([10]))
                } catch {
                    throw TaskError.cannotRead(path: path, reason: "copying it into \(joined.path) failed: \(error.localizedDescription)")
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: joined)
            throw error
        }
        return joined
    }
}
