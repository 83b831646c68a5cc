import Foundation
@testable import TAONLP
import TAOText

/// The path of a file or folder under `Fixtures/`.
func fixture(_ name: String) -> String {
    guard let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return "/missing/Fixtures/\(name)" }
    return root.appendingPathComponent(name).path
}

/// A fresh temporary folder for one test.
func temporaryFolder() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("taonlp-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// Writes `text` to `folder/name` and returns its path.
@discardableResult
func write(_ text: String, _ folder: String, _ name: String) throws -> String {
    let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// The lines of a written file.
func lines(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        .dropLast().map(String.init)
}

/// The tiny test vocabulary's tokenizer.
func testTokenizer() throws -> BertTokenizer { try BertTokenizer(vocabularyFile: fixture("vocab.txt")) }

/// The error `body` throws, as an `NLPDataError` (nil when it throws nothing or something else).
func dataError(_ body: () throws -> Void) -> NLPDataError? {
    do { try body() } catch let error as NLPDataError { return error } catch { return nil }
    return nil
}
