import Foundation
import TAOText

/// The path of a file in this target's Fixtures folder.
func fixturePath(_ name: String) -> String {
    let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)
    return url?.appendingPathComponent(name).path ?? "Fixtures/\(name)"
}

/// A fresh empty directory for a test's files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("TAOTextTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The bert-base-uncased vocabulary in Fixtures, loaded once.
let bertVocabulary: Vocabulary? = try? Vocabulary(contentsOfFile: fixturePath("vocab.txt"))
