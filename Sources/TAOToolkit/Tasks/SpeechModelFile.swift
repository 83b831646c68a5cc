import Foundation
import TAODecoding
import TAOSpeech
import TAOTensor

/// A CTC speech model in a `.tao` archive: the resolved training spec as `model_config.yaml`, the weights as
/// `model_weights.safetensors`, and for a subword model (speech_to_text_citrinet) its tokenizer's files under
/// `tokenizer/`, so evaluate, infer and export need nothing but the archive.
struct SpeechModelFile {
    let model: CTCModel
    /// The `model` block (front end and network).
    let spec: any SpeechModelSpec
    /// The model's labels: characters, or the subword tokenizer it was trained with.
    let tokenizer: SpeechTokenizer
    /// The spec the model was trained with (its `model` block describes the network).
    let trainingSpec: ResolvedSpec
    /// Where the model was read from, and its archive (which may carry an n-gram LM).
    let url: URL
    let archive: ModelArchive

    /// The task whose train spec the archive's config is.
    var task: TaskName { tokenizer.kind == .characters ? .speechToText : .speechToTextCitrinet }

    /// The n-gram LM exported inside the model (`export` with `lm_path`), nil when it carries none.
    func carriedLanguageModel() throws -> NGramModel? { try NGramTask.languageModel(in: archive, name: url.path) }

    /// The beam-search settings the model was exported with (`export`'s `decoding` block), nil when none.
    let tunedDecoding: TunedDecoding?

    /// Writes the model with its spec, its tokenizer's files (and `extras`, e.g. training state), atomically;
    /// encrypted with `key` when given.
    static func save(_ model: CTCModel, trainingSpec: ResolvedSpec, tokenizer: SpeechTokenizer, to url: URL, key: String?,
                     extras: [(String, Data)] = []) throws {
        let temporary = TemporaryFiles.url("weights", extension: "safetensors")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try model.saveSafetensors(to: temporary, metadata: ["format": "pt", "labels": model.labels.joined(separator: "|")])
        var archive = ModelArchive()
        archive[ModelArchive.configName] = Data(trainingSpec.yaml(header: ["The spec this model was trained with."]).utf8)
        archive[ModelArchive.weightsName] = try Data(contentsOf: temporary)
        archive["labels.txt"] = Data((model.labels.map { $0 == " " ? "<space>" : $0 }.joined(separator: "\n") + "\n").utf8)
        for (name, data) in tokenizer.files { archive[name] = data }
        for (name, data) in extras { archive[name] = data }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try archive.write(to: url, key: key)
        } catch let error as ArchiveError {
            throw error
        } catch let error as TaskError {
            throw error
        } catch {
            throw TaskError.cannotWrite(path: url.path, reason: AtomicFile.describe(error))
        }
    }

    /// Opens a `.tao` written by `save`: a speech_to_text model, or a speech_to_text_citrinet one (it carries
    /// `tokenizer/` members).
    /// The task of an archive that holds a text model or an n-gram LM rather than a speech model, else nil.
    private static func otherKind(of archive: ModelArchive) -> String? {
        if let description = archive[TextModelFile.descriptionMember] {
            let task = (try? JSONSerialization.jsonObject(with: description) as? [String: Any])?["task"] as? String
            return task ?? "text"
        }
        // A speech export may carry an LM too, but it also has weights; an n-gram archive has none.
        if archive[ModelArchive.weightsName] == nil, archive[NGramTask.arpaMember] != nil || archive[NGramTask.binaryMember] != nil {
            return "n_gram"
        }
        return nil
    }

    static func load(_ url: URL, key: String?) throws -> SpeechModelFile {
        let archive = try ModelArchive.read(from: url, key: key)
        if let other = otherKind(of: archive) {
            throw TaskError.wrongModelKind(path: url.path, found: other, expected: "speech recognition")
        }
        let config = try archive.required(ModelArchive.configName, archive: url.path)
        let subword = archive.members.contains { $0.name.hasPrefix(SpeechTokenizer.memberPrefix) }
        guard let schema = DefaultSpecs.schema(subword ? .speechToTextCitrinet : .speechToText, .train) else {
            preconditionFailure("the speech tasks have train specs")
        }
        let spec = try ResolvedSpec.load(schema: schema, yaml: String(decoding: config, as: UTF8.self),
                                         name: url.path + "!" + ModelArchive.configName, requireAll: false)
        let modelSpec: any SpeechModelSpec
        let tokenizer: SpeechTokenizer
        if subword {
            let subwordSpec = try spec.decode(SubwordModelSpec.self, at: "model")
            guard let carried = try SpeechTokenizer.load(from: archive, type: subwordSpec.tokenizer.type, name: url.path) else {
                preconditionFailure("a subword archive has tokenizer members")
            }
            (modelSpec, tokenizer) = (subwordSpec, carried)
        } else {
            let characterSpec = try spec.decode(CharacterModelSpec.self, at: "model")
            (modelSpec, tokenizer) = (characterSpec, .characters(characterSpec.decoder.vocabulary))
        }
        var rng = RandomGenerator(seed: 0)
        let model = try CTCModel(encoder: modelSpec.encoder, decoder: modelSpec.decoder, rng: &rng)
        try archive.loadWeights(into: model, archive: url.path)
        model.setTraining(false)
        return SpeechModelFile(model: model, spec: modelSpec, tokenizer: tokenizer, trainingSpec: spec, url: url, archive: archive,
                               tunedDecoding: try TunedDecoding.read(from: archive, name: url.path))
    }
}
