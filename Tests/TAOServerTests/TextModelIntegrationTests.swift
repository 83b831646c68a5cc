import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TAONLP
import TAOTensor
import TAOText
@testable import TAOServer
@testable import TAOToolkit

/// A folder holding a tiny random intent+slot model (`atis.tao`), as `tao intent_slot_classification train` writes.
func tinyIntentModelFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tao-serve-nlp-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "show", "flights", "to", "denver", "boston"]
    let tokenizer = try BertTokenizer(vocabulary: Vocabulary(tokens: tokens))
    let config = BertConfig(vocabSize: tokens.count, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32,
                            hiddenDropoutProb: 0, attentionProbsDropoutProb: 0, maxPositionEmbeddings: 64, typeVocabSize: 2,
                            layerNormEps: 1e-12, initializerRange: 0.02)
    var rng = RandomGenerator(seed: 3)
    let labels = TextLabels(sequence: try LabelVocabulary(labels: ["atis_flight", "atis_airfare"]),
                            tokens: [try LabelVocabulary(labels: ["B-toloc.city_name", "O"])])
    let schema = try #require(DefaultSpecs.schema(.intentSlotClassification, .train))
    let spec = try ResolvedSpec.load(schema: schema, yaml: "data_dir: data", name: "spec.yaml")
    let settings = try TextModelSettings.of(spec, task: .intentSlotClassification)
    let model = try TextTaskModels.make(.intentSlotClassification, encoder: BertModel(config: config, rng: &rng), labels: labels,
                                        settings: settings, seed: 4)
    try TextModelFile.save(model, task: .intentSlotClassification, tokenizer: tokenizer, labels: labels, settings: settings,
                           trainingSpec: spec, to: folder.appendingPathComponent("atis.tao"), key: nil)
    return folder
}

@Suite("a text model from the model folder behind the NLP routes")
struct TextModelIntegrationTests {
    @Test("an intent+slot .tao is loaded from the folder, listed, and answers analyze_intent and classify_text")
    func intentModel() async throws {
        let folder = try tinyIntentModelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let repository = try ModelRepository(directory: folder)
        let service = TAOService(configuration: ServerConfiguration(), repository: repository)
        try await service.makeApplication().test(.router) { client in
            try await client.execute(uri: "/v1/models", method: .get) { response in
                let models = jsonObject(response.body)["models"] as? [[String: Any]] ?? []
                #expect(models.first?["name"] as? String == "atis")
                #expect(models.first?["task"] as? String == "intent_slot_classification")
                #expect(models.first?["labels"] as? [String] == ["atis_flight", "atis_airfare"])
            }
            let query = try JSONSerialization.data(withJSONObject: ["query": "show flights to denver"])
            try await client.execute(uri: "/v1/nlp:analyze_intent", method: .post, body: ByteBuffer(bytes: query)) { response in
                #expect(response.status == .ok)
                let intent = jsonObject(response.body)["intent"] as? [String: Any]
                #expect(["atis_flight", "atis_airfare"].contains(intent?["class_name"] as? String ?? ""))
                #expect((intent?["score"] as? Double).map { $0 > 0 && $0 <= 1 } == true)
                for slot in jsonObject(response.body)["slots"] as? [[String: Any]] ?? [] {
                    #expect((slot["label"] as? [[String: Any]])?.first?["class_name"] as? String == "B-toloc.city_name")
                }
            }
            let texts = try JSONSerialization.data(withJSONObject: ["text": ["show flights", "to boston"], "top_n": 2])
            try await client.execute(uri: "/v1/nlp:classify_text", method: .post, body: ByteBuffer(bytes: texts)) { response in
                #expect(response.status == .ok)
                let results = jsonObject(response.body)["results"] as? [[String: Any]] ?? []
                #expect(results.count == 2)
                let scores = (results.first?["labels"] as? [[String: Any]] ?? []).compactMap { $0["score"] as? Double }
                #expect(scores.count == 2 && abs(scores.reduce(0, +) - 1) < 1e-3)
            }
            let punctuate = try JSONSerialization.data(withJSONObject: ["text": ["hello"]])
            try await client.execute(uri: "/v1/nlp:punctuate_text", method: .post, body: ByteBuffer(bytes: punctuate)) { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }
}

@Suite("the model folder and its subfolders")
struct ModelFolderTests {
    @Test("a model in a subfolder is served (as in the repository's models/ folder), one two levels down is not")
    func subfolderModels() throws {
        let source = try tinyIntentModelFolder()
        defer { try? FileManager.default.removeItem(at: source) }
        let root = source.appendingPathComponent("root")
        let sub = root.appendingPathComponent("atis_model"), deeper = sub.appendingPathComponent("old")
        try FileManager.default.createDirectory(at: deeper, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source.appendingPathComponent("atis.tao"), to: sub.appendingPathComponent("atis.tao"))
        try FileManager.default.copyItem(at: source.appendingPathComponent("atis.tao"), to: deeper.appendingPathComponent("older.tao"))
        let repository = try ModelRepository(directory: root)
        #expect(repository.models.map(\.name) == ["atis"])
        #expect(repository.textModel(for: .analyzeIntent)?.name == "atis")
    }

    @Test("two models of one name in different subfolders are an error naming both")
    func duplicateNames() throws {
        let folder = try tinyIntentModelFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sub = folder.appendingPathComponent("copy")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: folder.appendingPathComponent("atis.tao"), to: sub.appendingPathComponent("atis.tao"))
        #expect {
            try ModelRepository(directory: folder)
        } throws: { error in
            let message = "\(error)"
            return message.contains("second model named 'atis.tao'") && message.contains(sub.path)
        }
    }
}
