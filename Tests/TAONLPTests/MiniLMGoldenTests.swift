import Foundation
import Testing
import TAOTensor
import TAONLP

/// all-MiniLM-L6-v2 as a Hugging Face folder (91 MB, not committed): `TAO_MINILM_DIR`, else `pretrained/all-MiniLM-L6-v2`
/// under the repository root (gitignored).
private let miniLMFolder: String? = {
    if let folder = ProcessInfo.processInfo.environment["TAO_MINILM_DIR"] { return folder }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let folder = root.appendingPathComponent("pretrained/all-MiniLM-L6-v2").path
    return FileManager.default.fileExists(atPath: folder + "/model.safetensors") ? folder : nil
}()

private struct MiniLMGolden: Decodable {
    struct Sentence: Decodable {
        let text: String
        let token_ids: [Int]
        let hidden_first8: [[Float]]
    }
    let sentences: [Sentence]
}

@Test("all-MiniLM-L6-v2: token ids and last hidden states match Hugging Face's golden to 1e-4 (when the model is present)",
      .enabled(if: miniLMFolder != nil))
func miniLMMatchesGolden() throws {
    let bert = try PretrainedBert.load(folder: try #require(miniLMFolder))
    let golden = try JSONDecoder().decode(MiniLMGolden.self,
                                          from: Data(contentsOf: URL(fileURLWithPath: try fixturePath("minilm_golden.json"))))
    bert.model.setTraining(false)
    // All sentences in one padded batch, so the padding mask is exercised too.
    let length = golden.sentences.map(\.token_ids.count).max() ?? 0
    for sentence in golden.sentences { #expect(try bert.tokenizer.encode(sentence.text).ids == sentence.token_ids) }
    let batch = TextBatch(batchSize: golden.sentences.count, length: length,
                          tokenIDs: golden.sentences.flatMap { $0.token_ids + [Int](repeating: 0, count: length - $0.token_ids.count) },
                          typeIDs: [Int](repeating: 0, count: golden.sentences.count * length),
                          lengths: golden.sentences.map(\.token_ids.count))
    let hidden = withNoGrad { bert.model(batch) }.scalars
    let width = bert.config.hiddenSize
    for (row, sentence) in golden.sentences.enumerated() {
        for (position, expected) in sentence.hidden_first8.enumerated() {
            let start = (row * length + position) * width
            #expect(maxAbsDifference(Array(hidden[start..<(start + 8)]), expected) < 1e-4, "sentence \(row) piece \(position)")
        }
    }
}
