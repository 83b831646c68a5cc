import Foundation
import Testing

/// `tao speech_to_text_citrinet create_tokenizer` on a tiny manifest, through the CLI.
@Suite("create_tokenizer")
struct CreateTokenizerTests {
    private static let transcripts = [
        "show me flights from boston to denver", "i want two tickets to dallas", "show me the cheapest fare",
        "what flights leave boston today", "the first flight to denver leaves at nine", "list the flights from dallas",
        "Which Airlines Fly From Boston", "how much is a ticket to denver", "i need a flight tomorrow morning",
    ]

    /// A manifest of the transcripts (audio paths need not exist to train a tokenizer).
    private func manifest(in folder: URL) throws -> URL {
        let lines = Self.transcripts.enumerated().map { index, text in
            "{\"audio_filepath\": \"audio/\(index).wav\", \"duration\": 1.5, \"text\": \"\(text)\"}"
        }
        let url = folder.appendingPathComponent("train_manifest.json")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private func lines(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test("spe bpe writes tokenizer_spe_bpe_v<N>/tokenizer.model, tokenizer.vocab and NeMo's vocab.txt")
    func sentencePieceBPE() throws {
        let folder = TAOProcess.temporaryDirectory("tokenizer"), home = TAOProcess.temporaryDirectory("home")
        defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
        let manifest = try manifest(in: folder)
        let output = folder.appendingPathComponent("tokenizers")
        let result = try TAOProcess.run(
            ["speech_to_text_citrinet", "create_tokenizer", "-r", folder.appendingPathComponent("run").path,
             "manifests=\(manifest.path)", "output_root=\(output.path)", "vocab_size=40", "spe_type=bpe"],
            environment: ["TAO_HOME": home.path])
        #expect(result.status == 0, "\(result.stderr)")
        let tokenizer = output.appendingPathComponent("tokenizer_spe_bpe_v40")
        let model = try Data(contentsOf: tokenizer.appendingPathComponent("tokenizer.model"))
        #expect(model.count > 100)
        let pieces = try lines(tokenizer.appendingPathComponent("tokenizer.vocab")).map { String($0.split(separator: "\t")[0]) }
        #expect(pieces.first == "<unk>")
        #expect(pieces.count > 20 && pieces.count <= 40)
        let vocab = try lines(tokenizer.appendingPathComponent("vocab.txt"))
        #expect(vocab.count == pieces.count - 1)
        for (piece, token) in zip(pieces.dropFirst(), vocab) {
            #expect(token == (piece.hasPrefix("▁") ? (piece == "▁" ? piece : String(piece.dropFirst())) : "##" + piece))
        }
        // lower_case defaults to true: no capitals reach the tokenizer.
        #expect(!pieces.contains { $0.lowercased() != $0 })
        let corpus = try lines(output.appendingPathComponent("text_corpus/document.txt"))
        #expect(corpus == Self.transcripts.map { $0.lowercased() })
    }

    @Test("wpe writes tokenizer_wpe_v<N>/vocab.txt with BERT's specials first")
    func wordPiece() throws {
        let folder = TAOProcess.temporaryDirectory("tokenizer"), home = TAOProcess.temporaryDirectory("home")
        defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
        let manifest = try manifest(in: folder)
        let output = folder.appendingPathComponent("tokenizers")
        let result = try TAOProcess.run(
            ["speech_to_text_citrinet", "create_tokenizer", "-r", folder.appendingPathComponent("run").path,
             "manifests=\(manifest.path)", "output_root=\(output.path)", "vocab_size=60", "tokenizer=wpe"],
            environment: ["TAO_HOME": home.path])
        #expect(result.status == 0, "\(result.stderr)")
        let vocab = try lines(output.appendingPathComponent("tokenizer_wpe_v60/vocab.txt"))
        #expect(vocab.count == 60)
        #expect(Array(vocab.prefix(5)) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        #expect(vocab.contains("##s") && vocab.contains("b"))
        #expect(Set(vocab).count == vocab.count)
    }

    @Test("no input, a missing manifest and a bad vocab_size fail with the key or the file named")
    func errors() throws {
        let folder = TAOProcess.temporaryDirectory("tokenizer"), home = TAOProcess.temporaryDirectory("home")
        defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
        let output = "output_root=\(folder.appendingPathComponent("out").path)"
        let missing = folder.appendingPathComponent("missing.json").path
        let cases: [([String], String)] = [
            ([output], "manifests"),
            ([output, "manifests=\(missing)"], missing),
            ([output, "data_file=\(missing)"], missing),
            ([output, "data_file=\(missing)", "vocab_size=0"], "vocab_size"),
        ]
        for (index, (overrides, expected)) in cases.enumerated() {
            let result = try TAOProcess.run(
                ["speech_to_text_citrinet", "create_tokenizer", "-r", folder.appendingPathComponent("run\(index)").path] + overrides,
                environment: ["TAO_HOME": home.path])
            #expect(result.status != 0)
            #expect(result.stderr.contains(expected), "\(overrides): \(result.stderr)")
        }
    }
}
