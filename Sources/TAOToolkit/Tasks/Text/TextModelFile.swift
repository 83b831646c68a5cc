import Foundation
import TAONLP
import TAOTensor
import TAOText

/// A text task model in a `.tao` archive: the training spec (`model_config.yaml`), the weights
/// (`model_weights.safetensors`, NeMo names: `bert_model.*`, heads), the encoder's Hugging Face `bert_config.json`,
/// its WordPiece `vocab.txt`, and `text_model.json` (task, label sets, encoder pooler, sequence length).
struct TextModelFile {
    static let bertConfigMember = "bert_config.json"
    static let vocabularyMember = "vocab.txt"
    static let descriptionMember = "text_model.json"

    /// What `text_model.json` records.
    struct Description: Codable, Equatable {
        var task: String
        var labels: TextLabels
        var pooler: Bool
        var maxSequenceLength: Int
        /// The tokenizer's casing: lowercase and strip accents (uncased vocabularies), or neither.
        var lowercase: Bool
    }

    let task: TaskName
    let model: any TextTaskModel
    let tokenizer: BertTokenizer
    let labels: TextLabels
    let settings: TextModelSettings
    /// The spec the model was trained with.
    let trainingSpec: ResolvedSpec
    let url: URL
    let archive: ModelArchive

    /// Writes a model atomically (encrypted with `key` when given; weights stored as `storage` says), with `extras`
    /// such as training state.
    static func save(_ model: any TextTaskModel, task: TaskName, tokenizer: BertTokenizer, labels: TextLabels,
                     settings: TextModelSettings, trainingSpec: ResolvedSpec, to url: URL, key: String?,
                     storage: WeightStorage = .float32, extras: [(String, Data)] = []) throws {
        let temporary = TemporaryFiles.url("weights", extension: "safetensors")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try model.saveSafetensors(to: temporary, metadata: ["format": "pt", "task": task.rawValue], storage: storage)
        let description = Description(task: task.rawValue, labels: labels, pooler: model.bertModel.pooler != nil,
                                      maxSequenceLength: settings.maxSequenceLength, lowercase: tokenizer.basicTokenizer.lowercase)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var archive = ModelArchive()
        archive[ModelArchive.configName] = Data(trainingSpec.yaml(header: ["The spec this model was trained with."]).utf8)
        archive[ModelArchive.weightsName] = try Data(contentsOf: temporary)
        archive[bertConfigMember] = model.bertModel.config.jsonData()
        archive[vocabularyMember] = Data((tokenizer.vocabulary.tokens.joined(separator: "\n") + "\n").utf8)
        archive[descriptionMember] = try encoder.encode(description)
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

    /// The same model with its WordPiece vocabulary cut to the tokens `ids`, plus the special tokens and every single
    /// character with its `##` form, so that a word losing its piece splits into smaller ones instead of becoming
    /// `[UNK]`. Heads and the rest of the encoder are copied; only the word embedding rows of dropped tokens go.
    func keepingTokens(_ ids: Set<Int>) throws -> (model: any TextTaskModel, tokenizer: BertTokenizer) {
        let smaller = try PretrainedBert(model: model.bertModel, tokenizer: tokenizer).keepingTokens(ids)
        let cut = try TextTaskModels.make(task, encoder: smaller.model, labels: labels, settings: settings, seed: 0)
        let old = Dictionary(uniqueKeysWithValues: model.stateTensors())
        let encoderTensors = Set(smaller.model.stateTensors().map { ObjectIdentifier($0.1) })
        for (name, tensor) in cut.stateTensors() where !encoderTensors.contains(ObjectIdentifier(tensor)) {
            guard let source = old[name], source.shape == tensor.shape else {
                throw TaskError.badCheckpoint(path: url.path, reason: "tensor \(name) does not carry over to the smaller vocabulary")
            }
            tensor.assign(source)
        }
        cut.setTraining(false)
        return (cut, smaller.tokenizer)
    }

    /// Opens a text model written by `save`; `expected` (the task being run), when given, must match the archive's task.
    static func load(_ url: URL, key: String?, expected: TaskName?) throws -> TextModelFile {
        let archive = try ModelArchive.read(from: url, key: key)
        let name = url.path
        guard let descriptionData = archive[descriptionMember] else {
            throw ArchiveError.missingMember(path: name, member: descriptionMember + " (is this a text model? speech and LM archives have none)")
        }
        let description: Description
        do {
            description = try JSONDecoder().decode(Description.self, from: descriptionData)
        } catch {
            throw ArchiveError.damaged(path: name, reason: "\(descriptionMember) is not the JSON description tao writes (task, labels, ...)")
        }
        guard let task = TaskName(rawValue: description.task), expected == nil || task == expected else {
            throw TaskError.wrongModelKind(path: name, found: description.task, expected: expected?.rawValue ?? "text")
        }
        guard let schema = DefaultSpecs.schema(task, .train) else { preconditionFailure("\(task.rawValue) has a train spec") }
        let config = try archive.required(ModelArchive.configName, archive: name)
        let spec = try ResolvedSpec.load(schema: schema, yaml: String(decoding: config, as: UTF8.self),
                                         name: name + "!" + ModelArchive.configName, requireAll: false)
        let settings = try TextModelSettings.of(spec, task: task)
        let bertConfig = try BertConfig(json: try archive.required(bertConfigMember, archive: name), path: name + "!" + bertConfigMember)
        let vocabulary = String(decoding: try archive.required(vocabularyMember, archive: name), as: UTF8.self)
        let tokens = vocabulary.split(separator: "\n", omittingEmptySubsequences: false).dropLast(vocabulary.hasSuffix("\n") ? 1 : 0)
        let tokenizer = try BertTokenizer(vocabulary: Vocabulary(tokens: tokens.map(String.init), source: name + "!" + vocabularyMember),
                                          lowercase: description.lowercase)
        guard tokenizer.vocabulary.count <= bertConfig.vocabSize else {
            throw TaskError.badCheckpoint(path: name, reason: "\(vocabularyMember) has \(tokenizer.vocabulary.count) tokens for the "
                                          + "\(bertConfig.vocabSize) embeddings of \(bertConfigMember); re-export the model")
        }
        var rng = RandomGenerator(seed: 0)
        let encoder = BertModel(config: bertConfig, pooler: description.pooler, rng: &rng)
        let model = try TextTaskModels.make(task, encoder: encoder, labels: description.labels, settings: settings, seed: 0)
        try archive.loadWeights(into: model, archive: name)
        model.setTraining(false)
        return TextModelFile(task: task, model: model, tokenizer: tokenizer, labels: description.labels, settings: settings,
                             trainingSpec: spec, url: url, archive: archive)
    }
}
