import Foundation
import Testing

/// A manifest of four fixture utterances, and a spec for a Citrinet small enough for a debug build (its tokenizer
/// folder is given on the command line).
private func citrinetSetup(in folder: URL) throws -> (spec: URL, manifest: URL) {
    let manifest = try writeFixtureManifest(in: folder)
    let spec = folder.appendingPathComponent("citrinet.yaml")
    try """
    trainer: {max_epochs: 2, log_every_n_steps: 1}
    model:
      encoder:
        jasper:
          - {filters: 32, kernel: [5], se: true}
          - {filters: 32, repeat: 2, kernel: [11], stride: [2], residual: true, residual_mode: stride_add, stride_last: true, se: true}
          - {filters: 32, repeat: 2, kernel: [13], stride: [2], residual: true, residual_mode: stride_add, stride_last: true, se: true}
          - {filters: 32, repeat: 2, kernel: [15], stride: [2], residual: true, residual_mode: stride_add, stride_last: true, se: true}
          - {filters: 48, kernel: [21], se: true}
      decoder: {feat_in: 48}
    training_ds: {manifest_filepath: "\(manifest.path)", batch_size: 2, max_duration: null}
    validation_ds: {manifest_filepath: "\(manifest.path)", batch_size: 4}
    """.write(to: spec, atomically: true, encoding: .utf8)
    return (spec, manifest)
}

@Test("speech_to_text_citrinet: create_tokenizer -> train -> evaluate -> infer -> export -k -> infer with the key, the tokenizer inside the .tao; finetune with a new tokenizer; a subword LM from the model fused token by token")
func citrinetEndToEnd() throws {
    let folder = TAOProcess.temporaryDirectory("citrinet"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let environment = ["TAO_HOME": home.path]
    func tao(_ arguments: [String]) throws -> TAOProcess.Result {
        try TAOProcess.run(["speech_to_text_citrinet"] + arguments, environment: environment)
    }
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    let (spec, manifest) = try citrinetSetup(in: folder)
    let tokenizer = try tao(["create_tokenizer", "-r", path("tok"), "manifests=\(manifest.path)", "output_root=\(path("tokenizers"))", "vocab_size=40"])
    #expect(tokenizer.status == 0, "\(tokenizer.stderr)")

    let train = try tao(["train", "-e", spec.path, "-r", path("train"), "model.tokenizer.dir=\(path("tokenizers/tokenizer_spe_bpe_v40"))"])
    #expect(train.status == 0, "\(train.stderr)")
    let status = try String(contentsOf: folder.appendingPathComponent("train/status.json"), encoding: .utf8)
    #expect(status.contains("val_wer") && status.contains("\"SUCCESS\""))
    // The model needs nothing but its archive from here on.
    try FileManager.default.removeItem(atPath: path("tokenizers"))
    let model = path("train/trained-model.tao")

    let evaluate = try tao(["evaluate", "-r", path("eval"), "-m", model, "test_ds.manifest_filepath=\(manifest.path)"])
    #expect(evaluate.status == 0, "\(evaluate.stderr)")
    let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("eval/metrics.json"))) as? [String: Any])
    #expect(metrics["num_utterances"] as? Int == 4 && metrics["wer"] != nil)
    #expect(FileManager.default.fileExists(atPath: path("eval/predictions.jsonl")))

    let audio = "file_paths=[\(audioFixtures.appendingPathComponent("cards_001.wav").path),\(audioFixtures.appendingPathComponent("espeak_us_fox.wav").path)]"
    let infer = try tao(["infer", "-r", path("infer"), "-m", model, audio])
    #expect(infer.status == 0, "\(infer.stderr)")
    let lines = try String(contentsOf: folder.appendingPathComponent("infer/infer.jsonl"), encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 2)
    for line in lines {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let words = try #require(object["words"] as? [[String: Any]])
        // words are whole words (pieces joined), with times on the 80 ms grid of 8x subsampling
        #expect(words.allSatisfy { ($0["word"] as? String).map { !$0.contains("▁") && !$0.isEmpty } ?? false })
        #expect((object["transcript"] as? String) == words.compactMap { $0["word"] as? String }.joined(separator: " "))
        for word in words {
            let start = try #require(word["start_time"] as? Double)
            #expect(abs(start / 0.08 - (start / 0.08).rounded()) < 1e-6, "\(start)")
        }
    }

    let export = try tao(["export", "-r", path("export"), "-m", model, "-k", "s3cret"])
    #expect(export.status == 0, "\(export.stderr)")
    let exported = path("export/exported-model.tao")
    let keyed = try tao(["infer", "-r", path("infer-k"), "-m", exported, "-k", "s3cret", audio])
    #expect(keyed.status == 0, "\(keyed.stderr)")
    #expect(try String(contentsOf: folder.appendingPathComponent("infer-k/infer.jsonl"), encoding: .utf8)
        == String(contentsOf: folder.appendingPathComponent("infer/infer.jsonl"), encoding: .utf8))
    let noKey = try tao(["infer", "-r", path("infer-0"), "-m", exported, audio])
    #expect(noKey.status == 1 && noKey.stderr.contains("encrypted"))

    // A subword LM from the model's own tokenizer (NeMo's encoding), fused token by token in beam search.
    let lm = try TAOProcess.run(["n_gram", "train", "-r", path("lm"), "training_ds.data_file=\(manifest.path)", "model.order=3",
                                 "model.speech_model=\(model)"], environment: environment)
    #expect(lm.status == 0, "\(lm.stderr)")
    let beam = try tao(["evaluate", "-r", path("beam"), "-m", model, "test_ds.manifest_filepath=\(manifest.path)", "decoding.strategy=beam",
                        "decoding.beam_width=8", "decoding.lm_path=\(path("lm/trained-lm.tao"))"])
    #expect(beam.status == 0, "\(beam.stderr)")
    #expect(try String(contentsOf: folder.appendingPathComponent("beam/evaluate.log"), encoding: .utf8).contains("subword (token-level) LM"))

    // Finetuning with a WordPiece tokenizer replaces the decoder; the new model carries the new vocabulary.
    let wpe = try tao(["create_tokenizer", "-r", path("tok-w"), "manifests=\(manifest.path)", "output_root=\(path("wpe"))",
                       "tokenizer=wpe", "vocab_size=60"])
    #expect(wpe.status == 0, "\(wpe.stderr)")
    let finetune = try tao(["finetune", "-r", path("finetune"), "-m", model, "finetuning_ds.manifest_filepath=\(manifest.path)",
                            "validation_ds.manifest_filepath=\(manifest.path)", "trainer.max_epochs=1",
                            "model.tokenizer.dir=\(path("wpe/tokenizer_wpe_v60"))", "model.tokenizer.type=wpe"])
    #expect(finetune.status == 0, "\(finetune.stderr)")
    #expect(try String(contentsOf: folder.appendingPathComponent("finetune/finetune.log"), encoding: .utf8).contains("decoder replaced"))
    let afterFinetune = try tao(["infer", "-r", path("infer-f"), "-m", path("finetune/finetuned-model.tao"), audio])
    #expect(afterFinetune.status == 0, "\(afterFinetune.stderr)")
}

@Test("speech_to_text_citrinet train names a missing tokenizer folder, and a folder without the file its type needs")
func citrinetTokenizerErrors() throws {
    let folder = TAOProcess.temporaryDirectory("citrinet-errors"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let (spec, _) = try citrinetSetup(in: folder)
    let missing = folder.appendingPathComponent("no-such-tokenizer").path
    let bad = try TAOProcess.run(["speech_to_text_citrinet", "train", "-e", spec.path, "-r", folder.appendingPathComponent("r1").path,
                                  "model.tokenizer.dir=\(missing)"], environment: ["TAO_HOME": home.path])
    #expect(bad.status == 1 && bad.stderr.contains(missing) && bad.stderr.contains("model.tokenizer.dir"), "\(bad.stderr)")
    let empty = folder.appendingPathComponent("empty-tokenizer")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let noModel = try TAOProcess.run(["speech_to_text_citrinet", "train", "-e", spec.path, "-r", folder.appendingPathComponent("r2").path,
                                      "model.tokenizer.dir=\(empty.path)"], environment: ["TAO_HOME": home.path])
    #expect(noModel.status == 1 && noModel.stderr.contains(empty.appendingPathComponent("tokenizer.model").path), "\(noModel.stderr)")
}

@Test("the shipped citrinet_small transcribes the audio fixtures (13 files in odd formats) with its tokenizer and subword LM from the repository")
func shippedCitrinetTranscribesFixtures() throws {
    let folder = TAOProcess.temporaryDirectory("citrinet-shipped"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let models = audioFixtures.deletingLastPathComponent().appendingPathComponent("models/citrinet_small")
    let result = try TAOProcess.run(["speech_to_text_citrinet", "evaluate", "-r", folder.path,
                                     "-m", models.appendingPathComponent("citrinet_small.tao").path,
                                     "test_ds.manifest_filepath=\(audioFixtures.appendingPathComponent("manifest.json").path)",
                                     "decoding.strategy=beam", "decoding.lm_path=\(models.appendingPathComponent("citrinet_small_lm.tao").path)",
                                     "decoding.alpha=1.0", "decoding.beta=3.0"], environment: ["TAO_HOME": home.path])
    #expect(result.status == 0, "\(result.stderr)")
    let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("metrics.json"))) as? [String: Any]
    // Measured when the model was shipped: WER 36.6%, CER 19.3% (models/README.md).
    let wer = try #require(metrics?["wer"] as? Double), cer = try #require(metrics?["cer"] as? Double)
    #expect(wer < 0.42 && cer < 0.23, "WER \(wer), CER \(cer)")
}
