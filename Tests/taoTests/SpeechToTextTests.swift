import Foundation
import Testing

/// A manifest of four fixture utterances, and a spec for a model small enough for a debug build.
func smallSetup(in folder: URL) throws -> (spec: URL, manifest: URL) {
    let manifest = try writeFixtureManifest(in: folder)
    let spec = folder.appendingPathComponent("small.yaml")
    try """
    trainer: {max_epochs: 2, log_every_n_steps: 1}
    model:
      encoder:
        jasper:
          - {filters: 32, kernel: [11], stride: [2]}
          - {filters: 32, repeat: 2, kernel: [13], residual: true}
          - {filters: 48, kernel: [1]}
      decoder: {feat_in: 48}
    training_ds: {manifest_filepath: "\(manifest.path)", batch_size: 2, max_duration: null}
    validation_ds: {manifest_filepath: "\(manifest.path)", batch_size: 4}
    """.write(to: spec, atomically: true, encoding: .utf8)
    return (spec, manifest)
}

@Test("speech_to_text train, infer, evaluate and export run end to end on fixture audio, and -k protects the export")
func speechToTextEndToEnd() throws {
    let folder = TAOProcess.temporaryDirectory("asr"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let environment = ["TAO_HOME": home.path]
    let (spec, manifest) = try smallSetup(in: folder)
    let train = try TAOProcess.run(["speech_to_text", "train", "-e", spec.path, "-r", folder.appendingPathComponent("train").path],
                                   environment: environment)
    #expect(train.status == 0, "\(train.stderr)")
    // The fixture manifest lists every file as 2 s; cards_001.wav holds 1.1 s. Said once for each split, not each epoch.
    let shortFile = "cards_001.wav has 1.10 s (listed 2.00 s)"
    #expect(train.stdout.components(separatedBy: shortFile).count - 1 == 2, "\(train.stdout)")
    #expect(train.stdout.contains("training_ds: 2 utterances of another length than the manifest says"), "\(train.stdout)")
    let model = folder.appendingPathComponent("train/trained-model.tao")
    #expect(FileManager.default.fileExists(atPath: model.path))
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("train/checkpoints/last.tao").path))
    let status = try String(contentsOf: folder.appendingPathComponent("train/status.json"), encoding: .utf8)
    #expect(status.contains("\"RUNNING\"") && status.contains("val_wer") && status.contains("\"SUCCESS\""))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("train").path)
        .contains { $0.hasPrefix("events.out.tfevents.") })

    // Finetuning to a smaller label set replaces the decoder and keeps training the encoder.
    let finetune = try TAOProcess.run(["speech_to_text", "finetune", "-r", folder.appendingPathComponent("finetune").path, "-m", model.path,
                                       "finetuning_ds.manifest_filepath=\(manifest.path)", "validation_ds.manifest_filepath=\(manifest.path)",
                                       "trainer.max_epochs=1", "change_vocabulary=[' ', a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z]",
                                       "model.spec_augment.freq_masks=1", "model.spec_augment.time_masks=0"],
                                      environment: environment)
    #expect(finetune.status == 0, "\(finetune.stderr)")
    let finetuned = try String(contentsOf: folder.appendingPathComponent("finetune/status.json"), encoding: .utf8)
    #expect(finetuned.contains("val_wer") && finetuned.contains("\"SUCCESS\""))
    // The run's own SpecAugment replaces the model's; the model's spec is kept for later runs.
    let finetuneLog = try String(contentsOf: folder.appendingPathComponent("finetune/finetune.log"), encoding: .utf8)
    #expect(finetuneLog.contains("SpecAugment: 1 frequency masks (width 15), 0 time masks"), "\(finetuneLog)")

    let odd = ["flite_awb_44k_stereo.wav", "espeak_8k_mulaw.wav", "flite_slt_meeting.flac", "espeak_gb_window.ogg"]
        .map { audioFixtures.appendingPathComponent($0).path }
    let infer = try TAOProcess.run(["speech_to_text", "infer", "-r", folder.appendingPathComponent("infer").path, "-m", model.path,
                                    "file_paths=[\(odd.joined(separator: ","))]"], environment: environment)
    #expect(infer.status == 0, "\(infer.stderr)")
    #expect(infer.stdout.split(separator: "\n").filter { $0.contains("\t") }.count == 4)
    let inferLines = try String(contentsOf: folder.appendingPathComponent("infer/infer.jsonl"), encoding: .utf8)
    #expect(inferLines.split(separator: "\n").count == 4)
    // Files under max_segment_seconds are transcribed whole: one segment from 0 to the file's end.
    #expect(inferLines.split(separator: "\n").allSatisfy { $0.contains("\"segments\":[{") && $0.contains("\"start_time\":0") })
    let fromManifest = try TAOProcess.run(["speech_to_text", "infer", "-r", folder.appendingPathComponent("infer-m").path, "-m", model.path,
                                           "manifest=\(manifest.path)"], environment: environment)
    #expect(fromManifest.status == 0, "\(fromManifest.stderr)")
    #expect(fromManifest.stdout.split(separator: "\n").filter { $0.contains("\t") }.count == 4)
    let nothing = try TAOProcess.run(["speech_to_text", "infer", "-r", folder.appendingPathComponent("infer-0").path, "-m", model.path],
                                     environment: environment)
    #expect(nothing.status == 2 && nothing.stderr.contains("file_paths"))

    // Beam search with an n-gram LM estimated from the transcripts, and a hotword.
    let corpus = folder.appendingPathComponent("corpus.txt")
    try "ten of clubs\nthe weather is nice today\ncall me at four five six seven\nthe quick brown fox jumps over the lazy dog\n"
        .write(to: corpus, atomically: true, encoding: .utf8)
    let lm = try TAOProcess.run(["n_gram", "train", "-r", folder.appendingPathComponent("lm").path, "training_ds.data_file=\(corpus.path)",
                                 "model.order=2", "model.discount_fallback=true"], environment: environment)
    #expect(lm.status == 0, "\(lm.stderr)")
    let beam = try TAOProcess.run(["speech_to_text", "evaluate", "-r", folder.appendingPathComponent("beam").path, "-m", model.path,
                                   "test_ds.manifest_filepath=\(manifest.path)", "decoding.strategy=beam", "decoding.beam_width=8",
                                   "decoding.lm_path=\(folder.appendingPathComponent("lm/trained-lm.tao").path)", "decoding.hotwords=[clubs]",
                                   "decoding.alpha_grid=[0.2, 0.8]", "decoding.beta_grid=[1.0]"],
                                  environment: environment)
    #expect(beam.status == 0, "\(beam.stderr)")
    let grid = try String(contentsOf: folder.appendingPathComponent("beam/grid_search.jsonl"), encoding: .utf8)
    #expect(grid.split(separator: "\n").count == 2 && grid.contains("\"wer\""))
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("beam/predictions.jsonl").path))

    // A model exported with lm_path carries the LM: beam search without decoding.lm_path decodes as with it.
    let withLM = try TAOProcess.run(["speech_to_text", "export", "-r", folder.appendingPathComponent("export-lm").path, "-m", model.path,
                                     "lm_path=\(folder.appendingPathComponent("lm/trained-lm.tao").path)"], environment: environment)
    #expect(withLM.status == 0 && withLM.stdout.contains("2-gram LM"), "\(withLM.stderr)")
    var predictions: [String] = []
    for (name, model, lm) in [("explicit", model.path, ["decoding.lm_path=\(folder.appendingPathComponent("lm/trained-lm.tao").path)"]),
                              ("carried", folder.appendingPathComponent("export-lm/exported-model.tao").path, [])] {
        let run = try TAOProcess.run(["speech_to_text", "evaluate", "-r", folder.appendingPathComponent(name).path, "-m", model,
                                      "test_ds.manifest_filepath=\(manifest.path)", "decoding.strategy=beam", "decoding.beam_width=8",
                                      "decoding.alpha=2.0"] + lm, environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        predictions.append(try String(contentsOf: folder.appendingPathComponent("\(name)/predictions.jsonl"), encoding: .utf8))
    }
    #expect(!predictions[0].isEmpty && predictions[0] == predictions[1])
    #expect(try String(contentsOf: folder.appendingPathComponent("carried/evaluate.log"), encoding: .utf8).contains("LM carried by"))

    // Decoding settings given to export are the model's from then on: decoding without decoding.alpha and
    // decoding.token_min_logp uses them, and a later export keeps them (warning when it brings another LM).
    let tuned = try TAOProcess.run(["speech_to_text", "export", "-r", folder.appendingPathComponent("export-tuned").path, "-m",
                                    folder.appendingPathComponent("export-lm/exported-model.tao").path, "decoding.alpha=2.0",
                                    "decoding.token_min_logp=-7"],
                                   environment: environment)
    #expect(tuned.status == 0 && tuned.stdout.contains("alpha 2, beta 1, token_min_logp -7"), "\(tuned.stdout)\(tuned.stderr)")
    let again = try TAOProcess.run(["speech_to_text", "export", "-r", folder.appendingPathComponent("export-again").path, "-m",
                                    folder.appendingPathComponent("export-tuned/exported-model.tao").path,
                                    "lm_path=\(folder.appendingPathComponent("lm/trained-lm.tao").path)"], environment: environment)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(try String(contentsOf: folder.appendingPathComponent("export-again/export.log"), encoding: .utf8)
        .contains("keeps the decoding settings it was tuned with for its previous LM"))
    let weighted = try TAOProcess.run(["speech_to_text", "evaluate", "-r", folder.appendingPathComponent("weighted").path, "-m",
                                       folder.appendingPathComponent("export-again/exported-model.tao").path,
                                       "test_ds.manifest_filepath=\(manifest.path)", "decoding.strategy=beam", "decoding.beam_width=8"],
                                      environment: environment)
    #expect(weighted.status == 0, "\(weighted.stderr)")
    let weightedMetrics = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("weighted/metrics.json")))
    #expect((weightedMetrics as? [String: Any])?["alpha"] as? Double == 2.0)
    #expect((weightedMetrics as? [String: Any])?["beta"] as? Double == 1.0)
    #expect((weightedMetrics as? [String: Any])?["token_min_logp"] as? Double == -7.0)
    let explicit = try TAOProcess.run(["speech_to_text", "evaluate", "-r", folder.appendingPathComponent("explicit-tuned").path, "-m", model.path,
                                       "test_ds.manifest_filepath=\(manifest.path)", "decoding.strategy=beam", "decoding.beam_width=8",
                                       "decoding.lm_path=\(folder.appendingPathComponent("lm/trained-lm.tao").path)", "decoding.alpha=2.0",
                                       "decoding.token_min_logp=-7"], environment: environment)
    #expect(explicit.status == 0, "\(explicit.stderr)")
    #expect(try String(contentsOf: folder.appendingPathComponent("weighted/predictions.jsonl"), encoding: .utf8)
        == String(contentsOf: folder.appendingPathComponent("explicit-tuned/predictions.jsonl"), encoding: .utf8))

    let evaluate = try TAOProcess.run(["speech_to_text", "evaluate", "-r", folder.appendingPathComponent("eval").path, "-m", model.path,
                                       "test_ds.manifest_filepath=\(manifest.path)"], environment: environment)
    #expect(evaluate.status == 0, "\(evaluate.stderr)")
    let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("eval/metrics.json"))) as? [String: Any])
    for key in ["wer", "cer", "num_utterances", "audio_seconds", "real_time_factor"] { #expect(metrics[key] != nil, "no \(key)") }
    #expect(metrics["num_utterances"] as? Int == 4)

    let export = try TAOProcess.run(["speech_to_text", "export", "-r", folder.appendingPathComponent("export").path, "-m", model.path,
                                     "-k", "s3cret"], environment: environment)
    #expect(export.status == 0, "\(export.stderr)")
    let exported = folder.appendingPathComponent("export/exported-model.tao").path
    let one = "file_paths=[\(odd[0])]"
    let noKey = try TAOProcess.run(["speech_to_text", "infer", "-r", folder.appendingPathComponent("i2").path, "-m", exported, one],
                                   environment: environment)
    #expect(noKey.status == 1 && noKey.stderr.contains("encrypted"))
    let wrongKey = try TAOProcess.run(["speech_to_text", "infer", "-r", folder.appendingPathComponent("i3").path, "-m", exported,
                                       "-k", "wrong", one], environment: environment)
    #expect(wrongKey.status == 1 && wrongKey.stderr.contains("key is wrong"))
    let rightKey = try TAOProcess.run(["speech_to_text", "infer", "-r", folder.appendingPathComponent("i4").path, "-m", exported,
                                       "-k", "s3cret", one], environment: environment)
    #expect(rightKey.status == 0, "\(rightKey.stderr)")
}

@Test("an epoch cut short by max_steps reports the mean loss of the steps it ran as train_loss")
func speechTrainLossOfShortEpoch() throws {
    let folder = TAOProcess.temporaryDirectory("asr-steps"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let (spec, _) = try smallSetup(in: folder)
    // Batches of 2 over 4 utterances: 2 steps per epoch, of which max_steps lets 1 run.
    let train = try TAOProcess.run(["speech_to_text", "train", "-e", spec.path, "-r", folder.appendingPathComponent("train").path,
                                    "trainer.max_steps=1"], environment: ["TAO_HOME": home.path])
    #expect(train.status == 0, "\(train.stderr)")
    let lines = try String(contentsOf: folder.appendingPathComponent("train/status.json"), encoding: .utf8).split(separator: "\n")
    let records = try lines.compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    let stepLosses = records.compactMap { $0["loss"] as? Double }
    let epochLosses = records.compactMap { ($0["metrics"] as? [String: Any])?["train_loss"] as? Double }
    let stepLoss = try #require(stepLosses.first), epochLoss = try #require(epochLosses.first)
    #expect(abs(epochLoss - stepLoss) <= 1e-6 * abs(stepLoss), "train_loss \(epochLoss), the one step's loss \(stepLoss)")
}

@Test("infer names a file that is not audio, and evaluate without -m asks for it")
func speechErrors() throws {
    let folder = TAOProcess.temporaryDirectory("asr-errors"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    // A file that is not audio is named and skipped; the others are transcribed. Alone, it fails the run.
    let shipped = audioFixtures.deletingLastPathComponent().appendingPathComponent("models/citrinet_char/citrinet_char.tao")
    let notes = folder.appendingPathComponent("notes.wav"), speech = audioFixtures.appendingPathComponent("espeak_us_fox.wav")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data("not audio".utf8).write(to: notes)
    let mixed = try TAOProcess.run(["speech_to_text", "infer", "-r", folder.appendingPathComponent("mixed").path, "-m", shipped.path,
                                    "file_paths=[\(notes.path),\(speech.path)]"], environment: ["TAO_HOME": home.path])
    #expect(mixed.status == 0, "\(mixed.stderr)")
    #expect((mixed.stdout + mixed.stderr).contains("skipped \(notes.path): not an audio file"), "\(mixed.stdout)")
    #expect(mixed.stdout.contains("1 could not be read") && mixed.stdout.contains("quick brown"), "\(mixed.stdout)")
    let lines = try String(contentsOf: folder.appendingPathComponent("mixed/infer.jsonl"), encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 2 && lines[0].contains("\"error\":") && lines[1].contains("\"transcript\":\"the quick"), "\(lines)")
    let alone = try TAOProcess.run(["speech_to_text", "infer", "-r", folder.appendingPathComponent("alone").path, "-m", shipped.path,
                                    "file_paths=[\(notes.path)]"], environment: ["TAO_HOME": home.path])
    #expect(alone.status == 1 && alone.stderr.contains("error: \(notes.path): not an audio file"), "\(alone.stderr)")
    let noModel = try TAOProcess.run(["speech_to_text", "evaluate", "-r", folder.path, "test_ds.manifest_filepath=x.json"],
                                     environment: ["TAO_HOME": home.path])
    #expect(noModel.status == 2)
    #expect(noModel.stderr.contains("-m/--model"))
    let missing = try TAOProcess.run(["speech_to_text", "infer", "-r", folder.path, "-m", folder.appendingPathComponent("none.tao").path,
                                      "file_paths=[a.wav]"], environment: ["TAO_HOME": home.path])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("none.tao: cannot read the model archive: no such file"))
    let languageModel = audioFixtures.deletingLastPathComponent().appendingPathComponent("models/citrinet_small/citrinet_small_lm.tao")
    let wrongKind = try TAOProcess.run(["speech_to_text", "infer", "-r", folder.path, "-m", languageModel.path, "file_paths=[a.wav]"],
                                       environment: ["TAO_HOME": home.path])
    #expect(wrongKind.status == 1 && wrongKind.stderr.contains("this is a n_gram model, not a speech recognition one"), "\(wrongKind.stderr)")
    // An empty key would silently mean "no encryption".
    let emptyKey = try TAOProcess.run(["speech_to_text", "export", "-r", folder.path, "-m", languageModel.path, "-k", ""],
                                      environment: ["TAO_HOME": home.path])
    #expect(emptyKey.status == 2, "status \(emptyKey.status)")
    #expect(emptyKey.stderr.contains("-k needs a value, got an empty one"), "\(emptyKey.stderr)")
}

@Test("train killed during an epoch and run again with the same -r resumes from the last checkpoint and ends with the model an uninterrupted run makes")
func speechTrainResumes() throws {
    let folder = TAOProcess.temporaryDirectory("resume"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let environment = ["TAO_HOME": home.path]
    let (spec, manifest) = try smallSetup(in: folder)
    // Speed perturbation, silence trimming and a segment given by offset exercise the whole audio path while resuming.
    var lines = try String(contentsOf: manifest, encoding: .utf8)
    lines += "\n" + #"{"audio_filepath": "\#(audioFixtures.appendingPathComponent("cards_001.wav").path)", "offset": 0.2, "duration": 1.0, "text": "ten"}"#
    try lines.write(to: manifest, atomically: true, encoding: .utf8)
    let options = ["training_ds.speed_perturb=[0.9, 1.0, 1.1]", "training_ds.trim_silence=true", "trainer.max_epochs=4"]
    func train(_ results: String, _ extra: [String] = []) throws -> TAOProcess.Result {
        let output = try TAOProcess.run(["speech_to_text", "train", "-e", spec.path, "-r", folder.appendingPathComponent(results).path]
                                        + options + extra, environment: environment)
        #expect(output.status == 0, "\(output.stderr)")
        return output
    }
    _ = try train("straight")
    // Killed (SIGKILL: no chance to clean up) once the first epoch's checkpoint is written, i.e. during a later epoch.
    let checkpoint = folder.appendingPathComponent("stopped/checkpoints/last.tao")
    let running = try TAOProcess.start(["speech_to_text", "train", "-e", spec.path, "-r", folder.appendingPathComponent("stopped").path]
                                       + options, environment: environment)
    let deadline = Date().addingTimeInterval(120)
    while !FileManager.default.fileExists(atPath: checkpoint.path) && running.isRunning && Date() < deadline { usleep(20_000) }
    kill(running.processIdentifier, SIGKILL)
    running.waitUntilExit()
    #expect(running.terminationReason == .uncaughtSignal, "training ended before it could be killed")
    let resumed = try train("stopped")
    #expect((resumed.stdout + resumed.stderr).contains("resuming from"))
    let straight = try tarMember("model_weights.safetensors", of: folder.appendingPathComponent("straight/trained-model.tao"))
    let again = try tarMember("model_weights.safetensors", of: folder.appendingPathComponent("stopped/trained-model.tao"))
    #expect(straight != nil && straight == again, "the resumed run's weights differ from the uninterrupted run's")

    // Run again with fewer epochs than the checkpoint has: nothing left to train, and the model is left as it was (its
    // stored spec is not restamped with this run's max_epochs).
    let model = folder.appendingPathComponent("stopped/trained-model.tao")
    let configBefore = try tarMember("model_config.yaml", of: model)
    let fewer = try TAOProcess.run(["speech_to_text", "train", "-e", spec.path, "-r", folder.appendingPathComponent("stopped").path]
                                   + options + ["trainer.max_epochs=2"], environment: environment)
    #expect(fewer.status == 0 && fewer.stdout.contains("nothing left to train") && fewer.stdout.contains("left as it was"), "\(fewer.stderr)")
    #expect(try tarMember("model_weights.safetensors", of: model) == straight)
    let configAfter = try tarMember("model_config.yaml", of: model)
    #expect(configBefore != nil && configAfter == configBefore)

    // A checkpoint of another architecture is refused with the reason, not loaded into the wrong shapes.
    let other = try TAOProcess.run(["speech_to_text", "train", "-e", spec.path, "-r", folder.appendingPathComponent("stopped").path,
                                    "model.decoder.feat_in=32", "model.encoder.jasper.2.filters=32"] + options, environment: environment)
    #expect(other.status == 1 && other.stderr.contains("cannot resume"), "\(other.stderr)")
}
