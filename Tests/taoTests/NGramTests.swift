import Foundation
import Testing

@Test("n_gram dataset_convert, train, evaluate, infer and export run end to end, and the exports read back")
func nGramEndToEnd() throws {
    let folder = TAOProcess.temporaryDirectory("ngram"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let environment = ["TAO_HOME": home.path]
    let source = folder.appendingPathComponent("source")
    try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
    try "Show me flights from Boston to Denver.\nI want 2 tickets to Dallas!\nshow me the cheapest fare\n"
        .write(to: source.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
    try "what flights leave boston today\nignored file\n".write(to: source.appendingPathComponent("b.md"), atomically: true, encoding: .utf8)
    func run(_ arguments: [String]) throws -> TAOProcess.Result {
        try TAOProcess.run(arguments, environment: environment)
    }
    let convert = try run(["n_gram", "dataset_convert", "-r", folder.appendingPathComponent("r1").path,
                           "source_data_dir=\(source.path)", "target_data_dir=\(folder.appendingPathComponent("data").path)"])
    #expect(convert.status == 0, "\(convert.stderr)")
    let corpus = folder.appendingPathComponent("data/corpus.txt")
    #expect(try String(contentsOf: corpus, encoding: .utf8) ==
            "show me flights from boston to denver\ni want two tickets to dallas\nshow me the cheapest fare\n")
    // Converted into its own source folder twice, from a spec kept in the results folder: the second run does not
    // read the first one's corpus back in, and the user's spec.yaml is left as it was (the checked spec goes beside).
    let userSpec = "# my notes\nsource_data_dir: \(source.path)\ntarget_data_dir: \(source.path)\n"
    try userSpec.write(to: source.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
    for _ in 0..<2 {
        let again = try run(["n_gram", "dataset_convert", "-e", source.appendingPathComponent("spec.yaml").path, "-r", source.path])
        #expect(again.status == 0 && again.stdout.contains("3 sentences, 18 words from 1 files"), "\(again.stdout)\(again.stderr)")
    }
    #expect(try String(contentsOf: source.appendingPathComponent("spec.yaml"), encoding: .utf8) == userSpec)
    #expect(try String(contentsOf: source.appendingPathComponent("spec.checked.yaml"), encoding: .utf8).hasPrefix("# The spec of run "))

    let train = try run(["n_gram", "train", "-r", folder.appendingPathComponent("r2").path, "training_ds.data_file=\(corpus.path)",
                         "model.order=2", "model.discount_fallback=true"])
    #expect(train.status == 0, "\(train.stderr)")
    let model = folder.appendingPathComponent("r2/trained-lm.tao").path
    // A 1M memory cap writes the same model; a size that is not one is refused naming the key.
    let capped = try run(["n_gram", "train", "-r", folder.appendingPathComponent("r2m").path, "training_ds.data_file=\(corpus.path)",
                          "model.order=2", "model.discount_fallback=true", "model.memory=1M"])
    #expect(capped.status == 0, "\(capped.stderr)")
    func arpa(_ path: String) throws -> Data? {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let start = data.range(of: Data("\\data\\".utf8)), let end = data.range(of: Data("\\end\\".utf8)) else { return nil }
        return data[start.lowerBound..<end.upperBound]
    }
    #expect(try arpa(model) != nil && arpa(folder.appendingPathComponent("r2m/trained-lm.tao").path) == arpa(model))
    // A folder of .txt files (the corpus split in two, the second without its last newline) gives the same model.
    let split = folder.appendingPathComponent("split")
    try FileManager.default.createDirectory(at: split, withIntermediateDirectories: true)
    try "show me flights from boston to denver\ni want two tickets to dallas\n".write(to: split.appendingPathComponent("1.txt"), atomically: true, encoding: .utf8)
    try "show me the cheapest fare".write(to: split.appendingPathComponent("2.txt"), atomically: true, encoding: .utf8)
    let fromFolder = try run(["n_gram", "train", "-r", folder.appendingPathComponent("r2f").path, "training_ds.data_file=\(split.path)",
                              "training_ds.is_file=false", "model.order=2", "model.discount_fallback=true", "model.memory=1M"])
    #expect(fromFolder.status == 0, "\(fromFolder.stderr)")
    #expect(try arpa(folder.appendingPathComponent("r2f/trained-lm.tao").path) == arpa(model))
    let badMemory = try run(["n_gram", "train", "-r", folder.appendingPathComponent("r2b").path, "training_ds.data_file=\(corpus.path)",
                             "model.memory=lots"])
    #expect(badMemory.status != 0 && badMemory.stderr.contains("model.memory"), "\(badMemory.stderr)")

    let evaluate = try run(["n_gram", "evaluate", "-r", folder.appendingPathComponent("r3").path, "-m", model,
                            "test_ds.data_file=\(corpus.path)"])
    #expect(evaluate.status == 0, "\(evaluate.stderr)")
    let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("r3/metrics.json"))) as? [String: Any])
    let perplexity = try #require(metrics["perplexity"] as? Double)
    #expect(perplexity > 1 && perplexity < 20)
    #expect(metrics["oov_rate"] as? Double == 0)

    let infer = try run(["n_gram", "infer", "-r", folder.appendingPathComponent("r4").path, "-m", model,
                         "input_batch=[show me flights, flights me show]"])
    #expect(infer.status == 0, "\(infer.stderr)")
    let scores = infer.stdout.split(separator: "\n").compactMap { Double($0.split(separator: "\t").first ?? "") }
    #expect(scores.count == 2 && scores[0] > scores[1])

    for format in ["arpa", "binary"] {
        let file = folder.appendingPathComponent("export/lm.\(format)").path
        let export = try run(["n_gram", "export", "-r", folder.appendingPathComponent("r5").path, "-m", model,
                              "export_format=\(format)", "export_to=\(file)"])
        #expect(export.status == 0, "\(export.stderr)")
        let again = try run(["n_gram", "evaluate", "-r", folder.appendingPathComponent("r6").path, "-m", file, "test_ds.data_file=\(corpus.path)"])
        #expect(again.status == 0)
        let reread = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("r6/metrics.json"))) as? [String: Any])
        #expect(abs((reread["perplexity"] as? Double ?? 0) - perplexity) < 1e-3 * perplexity, "\(format)")
    }
    // With -k, an ARPA or binary export is an encrypted archive that opens only with the key.
    for format in ["arpa", "binary"] {
        let file = folder.appendingPathComponent("export/lm-encrypted.\(format)").path
        let export = try run(["n_gram", "export", "-r", folder.appendingPathComponent("r8").path, "-m", model, "-k", "s3cret",
                              "export_format=\(format)", "export_to=\(file)"])
        #expect(export.status == 0 && export.stdout.contains("(encrypted)"), "\(export.stderr)")
        #expect(!(try String(contentsOf: URL(fileURLWithPath: file), encoding: .isoLatin1)).contains("\\data\\"))
        let noKey = try run(["n_gram", "evaluate", "-r", folder.appendingPathComponent("r9").path, "-m", file, "test_ds.data_file=\(corpus.path)"])
        #expect(noKey.status == 1 && noKey.stderr.contains("encrypted"), "\(noKey.stderr)")
        let withKey = try run(["n_gram", "evaluate", "-r", folder.appendingPathComponent("r10").path, "-m", file, "-k", "s3cret",
                               "test_ds.data_file=\(corpus.path)"])
        #expect(withKey.status == 0, "\(withKey.stderr)")
        let reread = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("r10/metrics.json"))) as? [String: Any])
        #expect(abs((reread["perplexity"] as? Double ?? 0) - perplexity) < 1e-3 * perplexity, "\(format)")
    }
    let missing = try run(["n_gram", "evaluate", "-r", folder.appendingPathComponent("r7").path, "-m", model, "test_ds.data_file=/nonexistent.txt"])
    #expect(missing.status == 1 && missing.stderr.contains("/nonexistent.txt: no such file"), "\(missing.stderr)")
    // A line that is not UTF-8 is named, not decoded into replacement characters.
    let latin1 = folder.appendingPathComponent("latin1.txt")
    try Data("the cat sat\nthe caf\u{E9} sat\n".data(using: .isoLatin1) ?? Data()).write(to: latin1)
    let badText = try run(["n_gram", "evaluate", "-r", folder.appendingPathComponent("r8").path, "-m", model, "test_ds.data_file=\(latin1.path)"])
    #expect(badText.status == 1 && badText.stderr.contains("latin1.txt:2: not valid UTF-8"), "\(badText.stderr)")
}
