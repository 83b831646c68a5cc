import Foundation
import Logging
import TAODecoding
import TAOToolkit

/// A model the service runs, as `GET /v1/models` lists it.
public protocol ServedModel: AnyObject, Sendable {
    /// The name requests use (the file name without `.tao`).
    var name: String { get }
    /// The tao task that made it, e.g. `speech_to_text`, `punctuation_and_capitalization`.
    var task: String { get }
    /// Its `/v1/models` entry besides name and task (JSON-serializable values).
    var details: [String: Any] { get }
}

/// Opens the `.tao` files of one kind. The repository asks each loader in turn; the first that returns a model wins.
/// NLP tasks plug in by adding a loader (see `TextModel`).
public protocol ModelLoader: Sendable {
    /// The model in `url`, or nil when the archive is not this loader's kind.
    func load(_ url: URL, name: String, key: String?) throws -> (any ServedModel)?
}

/// The models of a folder: every `.tao` in it and in its subfolders one level down (so `tao serve --models models`
/// serves every model shipped in this repository), speech models with the n-gram LM named after them
/// (`NAME_lm.tao` or `NAME-lm.tao`).
public final class ModelRepository: Sendable {
    public let directory: URL
    /// Every model, by name order.
    public let models: [any ServedModel]

    /// Loads every `.tao` in `directory` and its immediate subfolders with the first loader that accepts it. A file
    /// no loader accepts is skipped with a warning; a file that fails to load, or two files of one name, fail the
    /// whole repository (fix or move them).
    public init(directory: URL, key: String? = nil, loaders: [any ModelLoader] = ModelRepository.defaultLoaders,
                logger: Logger = Logger(label: "tao.serve")) throws {
        self.directory = directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ServerError.repository(path: directory.path, reason: "not a folder (give --models the folder that holds the .tao files)")
        }
        var loaded: [any ServedModel] = []
        for url in try Self.modelFiles(in: directory) {
            let name = String(url.lastPathComponent.dropLast(4))
            var model: (any ServedModel)?
            for loader in loaders where model == nil {
                do {
                    model = try loader.load(url, name: name, key: key)
                } catch {
                    throw ServerError.repository(path: url.path, reason: "\(error)")
                }
            }
            if let model { loaded.append(model) } else { logger.warning("\(url.path): not a model tao can serve; skipped") }
        }
        Self.attachLanguageModels(loaded)
        models = loaded
    }

    /// A repository of models already loaded (programs that embed the service; tests). Language models are
    /// attached to the speech models named after them as in `init(directory:)`.
    public init(models: [any ServedModel], directory: URL = URL(fileURLWithPath: ".")) {
        self.directory = directory
        self.models = models.sorted { $0.name < $1.name }
        Self.attachLanguageModels(self.models)
    }

    /// The `.tao` files of `directory` and of its immediate subfolders, by name; two of one name are an error.
    private static func modelFiles(in directory: URL) throws -> [URL] {
        let manager = FileManager.default
        // Sorted, so that which of two same-named files the error calls the second does not depend on the file system.
        func entries(_ folder: URL) -> [URL] {
            ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
                .map { folder.appendingPathComponent($0) }
        }
        var files: [URL] = []
        for entry in entries(directory) {
            var isFolder: ObjCBool = false
            if entry.pathExtension == "tao" {
                files.append(entry)
            } else if manager.fileExists(atPath: entry.path, isDirectory: &isFolder), isFolder.boolValue {
                files += entries(entry).filter { $0.pathExtension == "tao" }
            }
        }
        var byName: [String: URL] = [:]
        for file in files {
            if let other = byName[file.lastPathComponent] {
                throw ServerError.repository(path: file.path, reason: "a second model named '\(file.lastPathComponent)' (the other is \(other.path)); rename one")
            }
            byName[file.lastPathComponent] = file
        }
        return files.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    private static func attachLanguageModels(_ loaded: [any ServedModel]) {
        let languageModels = loaded.compactMap { $0 as? LanguageModelEntry }
        for case let speech as SpeechModelEntry in loaded {
            if let lm = languageModels.first(where: { [speech.name + "_lm", speech.name + "-lm"].contains($0.name) }) {
                speech.attach(lm)
            }
        }
    }

    /// The loaders tao ships: speech models, n-gram language models and the text tasks' models.
    public static let defaultLoaders: [any ModelLoader] = [SpeechModelLoader(), LanguageModelLoader(), TextModelLoader()]

    /// The speech models, by name.
    var speechModels: [SpeechModelEntry] { models.compactMap { $0 as? SpeechModelEntry } }

    /// The speech model a request names, or the first one for an empty name.
    func speechModel(named name: String) throws -> SpeechModelEntry {
        let speech = speechModels
        if name.isEmpty {
            guard let first = speech.first else {
                throw ServerError.modelUnavailable("no speech model is loaded (put a speech_to_text .tao in \(directory.path))")
            }
            return first
        }
        guard let model = speech.first(where: { $0.name == name }) else {
            let names = speech.map(\.name).joined(separator: ", ")
            throw ServerError.invalidArgument("config.model: no speech model named '\(clipped(name))' (loaded: \(names.isEmpty ? "none" : names))")
        }
        return model
    }

    /// The first text model that does `task`.
    func textModel(for task: TextTask) -> (any TextModel)? {
        models.lazy.compactMap { $0 as? any TextModel }.first { $0.textTasks.contains(task) }
    }

    /// The `GET /v1/models` body.
    func listing() -> [String: Any] {
        ["models": models.map { model -> [String: Any] in
            var entry = model.details
            entry["name"] = model.name
            entry["task"] = model.task
            return entry
        }]
    }
}

/// A speech_to_text or speech_to_text_citrinet model, with the LM named after it when there is one.
public final class SpeechModelEntry: ServedModel, @unchecked Sendable {
    public let name: String
    public var task: String { recognizer.task }
    public let recognizer: SpeechRecognizer
    private let state = Locked<LanguageModelEntry?>(nil)

    init(name: String, recognizer: SpeechRecognizer) {
        self.name = name
        self.recognizer = recognizer
    }

    /// Its n-gram LM (beam search uses it by default).
    public var languageModel: LanguageModelEntry? { state.current }

    func attach(_ languageModel: LanguageModelEntry) { state.withLock { $0 = languageModel } }

    /// The decoding a request gets unless its `custom_configuration` says otherwise: beam search with the LM when
    /// there is one (with the settings the model was tuned with, else the standard ones), greedy otherwise.
    public var defaultDecoding: SpeechDecodingOptions {
        guard let lm = languageModel else { return SpeechDecodingOptions(strategy: .greedy) }
        let tuned = recognizer.tunedDecoding ?? .standard
        return SpeechDecodingOptions(strategy: .beam, beamWidth: 32, tokenMinLogp: Float(tuned.tokenMinLogp), alpha: tuned.alpha, beta: tuned.beta,
                                     languageModel: lm.model)
    }

    public var details: [String: Any] {
        let decoding = defaultDecoding
        var options: [String: Any] = ["default": decoding.strategy.rawValue, "strategies": ["greedy", "beam"]]
        if decoding.strategy == .beam {
            options["beam_width"] = decoding.beamWidth
            options["alpha"] = decoding.alpha
            options["beta"] = decoding.beta
            options["token_min_logp"] = Double(decoding.tokenMinLogp)
        }
        var entry: [String: Any] = [
            "sample_rate_hertz": recognizer.sampleRate,
            "labels": recognizer.labels,
            "language_code": "en-US",
            "architecture": recognizer.architecture,
            "parameters": recognizer.parameterCount,
            "frame_ms": Int((recognizer.frameSeconds * 1000).rounded()),
            "decoding": options,
            "streaming": true,
        ]
        if let lm = languageModel { entry["language_model"] = lm.name }
        return entry
    }
}

/// An n-gram language model (from `tao n_gram train`).
public final class LanguageModelEntry: ServedModel, @unchecked Sendable {
    public let name: String
    public let task = "n_gram"
    public let model: NGramModel

    init(name: String, model: NGramModel) {
        self.name = name
        self.model = model
    }

    public var details: [String: Any] { ["order": model.order, "ngrams": model.counts] }
}

/// Loads speech_to_text archives.
struct SpeechModelLoader: ModelLoader {
    func load(_ url: URL, name: String, key: String?) throws -> (any ServedModel)? {
        guard try SpeechRecognizer.isSpeechModel(url, key: key) else { return nil }
        return SpeechModelEntry(name: name, recognizer: try SpeechRecognizer(contentsOf: url, key: key))
    }
}

/// Loads n-gram LM archives (those holding an ARPA model).
struct LanguageModelLoader: ModelLoader {
    func load(_ url: URL, name: String, key: String?) throws -> (any ServedModel)? {
        let archive = try ModelArchive.read(from: url, key: key)
        guard archive["model.arpa"] != nil else { return nil }
        return LanguageModelEntry(name: name, model: try SpeechRecognizer.languageModel(contentsOf: url, key: key))
    }
}
