import Foundation
import TAONLP

/// Path of a file or folder under Tests/TAONLPTests/Fixtures.
func fixturePath(_ name: String) throws -> String {
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
        throw FixtureError.missing(name)
    }
    return url.path
}

enum FixtureError: Error { case missing(String), malformed(String) }

/// The tiny random BERT's PyTorch outputs (scripts/nlp_tiny_bert_golden.py).
struct TinyBertGolden: Decodable {
    let token_ids: [[Int]]
    let type_ids: [[Int]]
    let lengths: [Int]
    let last_hidden_state: [[[Float]]]
    let pooler_output: [[Float]]

    static func load() throws -> TinyBertGolden {
        let data = try Data(contentsOf: URL(fileURLWithPath: try fixturePath("tiny-bert/golden.json")))
        return try JSONDecoder().decode(TinyBertGolden.self, from: data)
    }

    var batch: TextBatch {
        TextBatch(batchSize: token_ids.count, length: token_ids[0].count, tokenIDs: token_ids.flatMap { $0 },
                  typeIDs: type_ids.flatMap { $0 }, lengths: lengths)
    }
}

/// Largest absolute elementwise difference.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "\(a.count) vs \(b.count) values")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// A fresh temporary folder path.
func temporaryPath(_ name: String) -> String {
    (NSTemporaryDirectory() as NSString).appendingPathComponent("tao-nlp-\(name)-\(UUID().uuidString)")
}
