import Foundation
import Testing
import TAOText

/// Python `sentencepiece`'s encodings of the fixture sentences for each fixture model (make-sentencepiece-fixture.py).
private struct SentencePieceGolden: Decodable {
    struct Model: Decodable {
        struct Case: Decodable {
            let text: String
            let ids: [Int]
            let pieces: [String]
            let decoded: String
        }

        let model: String
        let size: Int
        let cases: [Case]
    }

    static func load() throws -> [String: Model] {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixturePath("sentencepiece_golden.json")))
        var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        object["sentencepiece_version"] = nil
        return try JSONDecoder().decode([String: Model].self, from: JSONSerialization.data(withJSONObject: object))
    }
}

@Suite("SentencePiece")
struct SentencePieceTests {
    @Test("Python- and tao-trained model files encode, split and decode the fixture sentences as Python's sentencepiece does",
          arguments: ["python_bpe", "python_unigram", "tao_bpe", "tao_unigram"])
    func matchesPython(_ name: String) throws {
        let golden = try #require(try SentencePieceGolden.load()[name])
        let tokenizer = try SentencePieceTokenizer(modelFile: fixturePath(golden.model))
        #expect(tokenizer.count == golden.size)
        #expect(golden.cases.count >= 50)
        for example in golden.cases {
            #expect(try tokenizer.encode(example.text) == example.ids, "\(name): '\(example.text)'")
            #expect(try tokenizer.pieces(example.text) == example.pieces, "\(name): '\(example.text)'")
            #expect(try tokenizer.decode(example.ids) == example.decoded, "\(name): '\(example.text)'")
        }
    }

    @Test("the vocabulary reads back piece by piece: id(of: piece(for: id)) == id, <unk> at 0")
    func vocabulary() throws {
        let tokenizer = try SentencePieceTokenizer(modelFile: fixturePath("spm_python_bpe.model"))
        #expect(tokenizer.piece(for: 0) == "<unk>")
        #expect(tokenizer.piece(for: tokenizer.count) == nil)
        #expect(tokenizer.piece(for: -1) == nil)
        for (id, piece) in tokenizer.pieces.enumerated() { #expect(tokenizer.id(of: piece) == id) }
        #expect(tokenizer.id(of: "no such piece at all") == 0)
    }

    @Test("decoding an id outside the vocabulary throws idOutOfRange")
    func decodeOutOfRange() throws {
        let tokenizer = try SentencePieceTokenizer(modelFile: fixturePath("spm_python_unigram.model"))
        #expect(throws: TextError.idOutOfRange(id: 300, count: 300)) { try tokenizer.decode([5, 300]) }
        #expect(throws: TextError.idOutOfRange(id: -1, count: 300)) { try tokenizer.decode([-1]) }
    }

    @Test("a missing, empty or non-model file throws badModelFile naming the file")
    func badModelFiles() throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.model")
        let text = folder.appendingPathComponent("text.model")
        try Data().write(to: empty)
        try Data("this is not a protobuf\n".utf8).write(to: text)
        for path in [folder.appendingPathComponent("missing.model").path, empty.path, text.path, fixturePath("vocab.txt")] {
            do {
                _ = try SentencePieceTokenizer(modelFile: path)
                Issue.record("\(path) loaded")
            } catch let error as TextError {
                guard case let .badModelFile(errorPath, _) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(errorPath == path)
                #expect(error.description.hasPrefix(path + ": "))
            }
        }
    }

    @Test("training in tao reproduces the committed tao model's encodings, and is deterministic")
    func trainsLikeCommittedModel() throws {
        // spm_tao_unigram.model came from create_tokenizer with lower_case=false: these options on the same text.
        let golden = try #require(try SentencePieceGolden.load()["tao_unigram"])
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var options = SentencePieceTrainingOptions(modelType: .unigram, vocabularySize: 300)
        options.removeExtraWhitespaces = false
        let trained = try SentencePieceTokenizer.train(
            textFile: fixturePath("sentencepiece_corpus.txt"), modelPrefix: folder.appendingPathComponent("tokenizer").path, options: options)
        let committed = try SentencePieceTokenizer(modelFile: fixturePath(golden.model))
        #expect(trained.pieces == committed.pieces)
        for example in golden.cases { #expect(try trained.encode(example.text) == example.ids, "'\(example.text)'") }
        let vocab = try String(contentsOfFile: folder.appendingPathComponent("tokenizer.vocab").path, encoding: .utf8)
        #expect(vocab.split(separator: "\n").count == trained.count)
    }

    @Test("training on a missing corpus throws trainingFailed naming it")
    func trainingMissingCorpus() throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.txt").path
        #expect {
            _ = try SentencePieceTokenizer.train(textFile: missing, modelPrefix: folder.appendingPathComponent("m").path,
                                                 options: SentencePieceTrainingOptions())
        } throws: { error in
            guard case let .trainingFailed(input, _) = error as? TextError else { return false }
            return input == missing
        }
    }
}
