import Foundation
import Testing

/// A WordPiece vocabulary for `words`: the special tokens, the words, and every letter (plain and `##`).
func writeVocabulary(_ words: [String], to url: URL) throws {
    let letters = (Set(words.joined()).map(String.init) + Array("abcdefghijklmnopqrstuvwxyz,.?").map(String.init)).sorted()
    let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + Array(Set(words)).sorted() + letters + letters.map { "##" + $0 }
    var seen = Set<String>()
    try tokens.filter { seen.insert($0).inserted }.joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
}

/// Overrides for a tiny randomly initialized encoder that trains in seconds in a debug build.
func tinyEncoder(vocabulary: URL) -> [String] {
    ["model.language_model.config={hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 64, "
        + "max_position_embeddings: 256, hidden_dropout_prob: 0.0, attention_probs_dropout_prob: 0.0}",
     "model.tokenizer.vocab_file=\(vocabulary.path)", "optim.lr=0.003", "optim.sched=null", "optim.weight_decay=0",
     "trainer.gradient_clip_val=1.0", "trainer.log_every_n_steps=100"]
}

private func metrics(_ folder: URL) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("metrics.json"))) as? [String: Any])
}

@Test("intent_slot_classification: dataset_convert from ATIS, train overfits a few sentences, evaluate, infer, export with -k, float16 and a cut vocabulary")
func intentSlotEndToEnd() throws {
    let folder = TAOProcess.temporaryDirectory("intent"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let environment = ["TAO_HOME": home.path]
    func run(_ arguments: [String]) throws -> TAOProcess.Result { try TAOProcess.run(arguments, environment: environment) }
    let atis = folder.appendingPathComponent("atis")
    try FileManager.default.createDirectory(at: atis, withIntermediateDirectories: true)
    let lines = [
        "show:O flights:O from:O boston:B-fromloc.city_name to:O denver:B-toloc.city_name <=> atis_flight",
        "what:O is:O the:O fare:O to:O dallas:B-toloc.city_name <=> atis_airfare",
        "list:O flights:O to:O boston:B-toloc.city_name <=> atis_flight",
        "how:O much:O is:O a:O ticket:O from:O denver:B-fromloc.city_name <=> atis_airfare",
    ]
    try lines.joined(separator: "\n").write(to: atis.appendingPathComponent("train_dev"), atomically: true, encoding: .utf8)
    try lines.joined(separator: "\n").write(to: atis.appendingPathComponent("test"), atomically: true, encoding: .utf8)
    try "atis_airfare\natis_flight\n".write(to: atis.appendingPathComponent("vocab.intent"), atomically: true, encoding: .utf8)
    try "B-fromloc.city_name\nB-toloc.city_name\nO\n".write(to: atis.appendingPathComponent("vocab.slot"), atomically: true, encoding: .utf8)
    let data = folder.appendingPathComponent("data")
    let convert = try run(["intent_slot_classification", "dataset_convert", "-r", folder.appendingPathComponent("convert").path,
                           "source_data_dir=\(atis.path)", "target_data_dir=\(data.path)"])
    #expect(convert.status == 0, "\(convert.stderr)")
    // A folder whose lines are not ATIS converts to nothing: an error, not an empty dataset and status 0.
    let garbage = folder.appendingPathComponent("garbage")
    try FileManager.default.copyItem(at: atis, to: garbage)
    try "garbage line\nanother\n".write(to: garbage.appendingPathComponent("train_dev"), atomically: true, encoding: .utf8)
    let empty = try run(["intent_slot_classification", "dataset_convert", "-r", folder.appendingPathComponent("convert2").path,
                         "source_data_dir=\(garbage.path)", "target_data_dir=\(folder.appendingPathComponent("garbage-out").path)"])
    #expect(empty.status == 1 && empty.stderr.contains("no usable examples for the train split"), "\(empty.stderr)")
    let vocabulary = folder.appendingPathComponent("vocab.txt")
    try writeVocabulary(lines.flatMap { $0.split(separator: " ").compactMap { $0.split(separator: ":").first.map(String.init) } }, to: vocabulary)
    let train = try run(["intent_slot_classification", "train", "-r", folder.appendingPathComponent("train").path, "data_dir=\(data.path)",
                         "trainer.max_epochs=60", "training_ds.batch_size=4", "model.max_seq_length=16", "model.head.fc_dropout=0.0"] + tinyEncoder(vocabulary: vocabulary))
    #expect(train.status == 0, "\(train.stderr)")
    let model = folder.appendingPathComponent("train/trained-model.tao").path
    let badPad = try run(["intent_slot_classification", "train", "-r", folder.appendingPathComponent("pad").path, "data_dir=\(data.path)",
                          "model.ignore_start_end=false", "model.pad_label=7"] + tinyEncoder(vocabulary: vocabulary))
    #expect(badPad.status == 2 && badPad.stderr.contains("'model.pad_label': 7 is not a slot id (-1 is O); give a slot id 0...2, or ignore_start_end=true"),
            "\(badPad.stderr)")

    let evaluate = try run(["intent_slot_classification", "evaluate", "-r", folder.appendingPathComponent("eval").path, "-m", model,
                            "data_dir=\(data.path)"])
    #expect(evaluate.status == 0, "\(evaluate.stderr)")
    let scores = try metrics(folder.appendingPathComponent("eval"))
    #expect(scores["intent_accuracy"] as? Double == 1.0)
    #expect((scores["slot_f1"] as? Double ?? 0) == 1.0)
    for file in ["report.txt", "confusion_matrix.tsv", "predictions.jsonl"] {
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("eval/\(file)").path), "\(file)")
    }

    let infer = try run(["intent_slot_classification", "infer", "-r", folder.appendingPathComponent("infer").path, "-m", model,
                         "input_batch=[what is the fare to dallas, show flights from boston to denver]"])
    #expect(infer.status == 0, "\(infer.stderr)")
    let printed = infer.stdout.split(separator: "\n").filter { $0.contains("\t") }
    #expect(printed.count == 2 && printed[0].contains("atis_airfare") && printed[0].contains("toloc.city_name: \"dallas\""), "\(infer.stdout)")

    let export = try run(["intent_slot_classification", "export", "-r", folder.appendingPathComponent("export").path, "-m", model,
                          "-k", "s3cret", "weights_dtype=float16"])
    #expect(export.status == 0 && export.stdout.contains("float16"), "\(export.stderr)")
    let exported = folder.appendingPathComponent("export/exported-model.tao").path
    let noKey = try run(["intent_slot_classification", "infer", "-r", folder.appendingPathComponent("i2").path, "-m", exported])
    #expect(noKey.status == 1 && noKey.stderr.contains("encrypted"))
    let again = try run(["intent_slot_classification", "evaluate", "-r", folder.appendingPathComponent("eval2").path, "-m", exported,
                         "-k", "s3cret", "data_dir=\(data.path)"])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(try metrics(folder.appendingPathComponent("eval2"))["intent_accuracy"] as? Double == 1.0)

    let wrongTask = try run(["text_classification", "infer", "-r", folder.appendingPathComponent("i3").path, "-m", model])
    #expect(wrongTask.status == 1 && wrongTask.stderr.contains("intent_slot_classification model, not a text_classification one"))
    let latin1 = folder.appendingPathComponent("queries.txt")
    try Data("fares to dallas\nfares to m\u{E1}laga\n".data(using: .isoLatin1) ?? Data()).write(to: latin1)
    let badQueries = try run(["intent_slot_classification", "infer", "-r", folder.appendingPathComponent("i6").path, "-m", model,
                              "input_file=\(latin1.path)"])
    #expect(badQueries.status == 1 && badQueries.stderr.contains("queries.txt:2: not valid UTF-8"), "\(badQueries.stderr)")

    // vocabulary_size keeps the first tokens: cutting the last word ("what") leaves every other sentence's output as it was.
    let full = try #require(try tarMember("vocab.txt", of: URL(fileURLWithPath: model)).map { String(decoding: $0, as: UTF8.self) })
    let tokens = full.split(separator: "\n").map(String.init)
    let cutAt = try #require(tokens.firstIndex(of: "what"))
    let cut = try run(["intent_slot_classification", "export", "-r", folder.appendingPathComponent("cut").path, "-m", model,
                       "vocabulary_size=\(cutAt)"])
    #expect(cut.status == 0 && cut.stdout.contains("vocabulary cut from \(tokens.count) to \(tokens.count - 1)"), "\(cut.stdout)\(cut.stderr)")
    let smaller = folder.appendingPathComponent("cut/exported-model.tao")
    let cutTokens = try #require(try tarMember("vocab.txt", of: smaller).map { String(decoding: $0, as: UTF8.self) }).split(separator: "\n")
    #expect(cutTokens.map(String.init) == tokens.filter { $0 != "what" })
    let query = "input_batch=[show flights from boston to denver, list flights to dallas, what is the fare to boston]"
    let before = try run(["intent_slot_classification", "infer", "-r", folder.appendingPathComponent("i4").path, "-m", model, query])
    let after = try run(["intent_slot_classification", "infer", "-r", folder.appendingPathComponent("i5").path, "-m", smaller.path, query])
    let printedLines = { (result: TAOProcess.Result) in result.stdout.split(separator: "\n").filter { $0.contains("\t") } }
    #expect(before.status == 0 && after.status == 0 && printedLines(after).count == 3, "\(after.stderr)")
    #expect(Array(printedLines(before).prefix(2)) == Array(printedLines(after).prefix(2)))
    // With data_dir the training text's pieces stay, whatever their rank.
    let keeping = try run(["intent_slot_classification", "export", "-r", folder.appendingPathComponent("cut3").path, "-m", model,
                           "vocabulary_size=\(cutAt)", "data_dir=\(data.path)"])
    #expect(keeping.status == 0 && keeping.stdout.contains("vocabulary cut from \(tokens.count) to \(tokens.count) "), "\(keeping.stdout)\(keeping.stderr)")
    let negative = try run(["intent_slot_classification", "export", "-r", folder.appendingPathComponent("cut2").path, "-m", model,
                            "vocabulary_size=-3"])
    #expect(negative.status != 0 && negative.stderr.contains("vocabulary_size"), "\(negative.stderr)")
    let dataAlone = try run(["intent_slot_classification", "export", "-r", folder.appendingPathComponent("cut4").path, "-m", model,
                             "data_dir=\(data.path)"])
    #expect(dataAlone.status != 0 && dataAlone.stderr.contains("data_dir") && dataAlone.stderr.contains("set vocabulary_size=N too"),
            "\(dataAlone.stderr)")
}

@Test("token_classification and text_classification train, overfit and evaluate; a bad data line is named with file and line")
func tokenAndTextClassification() throws {
    let folder = TAOProcess.temporaryDirectory("tokens"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let environment = ["TAO_HOME": home.path]
    func run(_ arguments: [String]) throws -> TAOProcess.Result { try TAOProcess.run(arguments, environment: environment) }
    let sentences = ["alice went to paris", "bob likes london", "we saw alice in berlin", "paris is big"]
    let tags = ["B-PER O O B-LOC", "B-PER O B-LOC", "O O B-PER O B-LOC", "B-LOC O O"]
    for split in ["train", "dev"] {
        try (sentences.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("text_\(split).txt"), atomically: true, encoding: .utf8)
        try (tags.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("labels_\(split).txt"), atomically: true, encoding: .utf8)
    }
    let vocabulary = folder.appendingPathComponent("vocab.txt")
    try writeVocabulary(sentences.flatMap { $0.split(separator: " ").map(String.init) } + ["good", "bad", "film"], to: vocabulary)
    let train = try run(["token_classification", "train", "-r", folder.appendingPathComponent("train").path, "data_dir=\(folder.path)",
                         "trainer.max_epochs=60", "training_ds.batch_size=4", "model.head.fc_dropout=0.0"] + tinyEncoder(vocabulary: vocabulary))
    #expect(train.status == 0, "\(train.stderr)")
    let evaluate = try run(["token_classification", "evaluate", "-r", folder.appendingPathComponent("eval").path, "-m",
                            folder.appendingPathComponent("train/trained-model.tao").path, "data_dir=\(folder.path)", "test_ds.text_file=text_dev.txt",
                            "test_ds.labels_file=labels_dev.txt"])
    #expect(evaluate.status == 0, "\(evaluate.stderr)")
    #expect(try metrics(folder.appendingPathComponent("eval"))["entity_f1"] as? Double == 1.0)
    let badPad = try run(["token_classification", "train", "-r", folder.appendingPathComponent("pad").path, "data_dir=\(folder.path)",
                          "model.dataset.ignore_start_end=false", "model.dataset.pad_label=NONE"] + tinyEncoder(vocabulary: vocabulary))
    #expect(badPad.status == 2 && badPad.stderr.contains("'model.dataset.pad_label': 'NONE' is not one of the labels"), "\(badPad.stderr)")

    try "good film\t1\nbad film\t0\ngood good\t1\nbad bad film\t0\n".write(to: folder.appendingPathComponent("train.tsv"), atomically: true, encoding: .utf8)
    try "good film\t1\nbad film\t0\n".write(to: folder.appendingPathComponent("dev.tsv"), atomically: true, encoding: .utf8)
    let text = try run(["text_classification", "train", "-r", folder.appendingPathComponent("text").path, "data_dir=\(folder.path)",
                        "trainer.max_epochs=60", "training_ds.batch_size=4", "model.dataset.num_classes=2", "model.classifier_head.fc_dropout=0.0",
                        "exp_manager.checkpoint_callback_params.save_best_model=true"] + tinyEncoder(vocabulary: vocabulary))
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("validation accuracy 1.0000"), "\(text.stdout)")
    // save_best_model: the run ends with the first epoch that reached accuracy 1, not the 60th.
    #expect(text.stdout.contains("kept epoch") && text.stdout.contains("the best on validation (1.0000)"), "\(text.stdout)")
    let kept = try tarMember("model_weights.safetensors", of: folder.appendingPathComponent("text/trained-model.tao"))
    let best = try tarMember("model_weights.safetensors", of: folder.appendingPathComponent("text/checkpoints/best.tao"))
    #expect(kept != nil && kept == best)
    #expect(!text.stdout.contains("kept epoch 60,"), "\(text.stdout)")
    // A finetune pointed at the train run's folder: its checkpoint continues that train run, which would leave -m unused.
    let into = try run(["text_classification", "finetune", "-r", folder.appendingPathComponent("text").path, "-m",
                        folder.appendingPathComponent("text/trained-model.tao").path, "data_dir=\(folder.path)", "trainer.max_epochs=61"])
    #expect(into.status == 1 && into.stderr.contains("checkpoints/last.tao: cannot resume from this checkpoint: it continues a train run, "
                                                      + "not this finetune"), "\(into.stderr)")

    let tooLong = try run(["text_classification", "train", "-r", folder.appendingPathComponent("long").path, "data_dir=\(folder.path)",
                           "model.dataset.num_classes=2", "model.dataset.max_seq_length=300"] + tinyEncoder(vocabulary: vocabulary))
    #expect(tooLong.status == 2 && tooLong.stderr.contains("'model.dataset.max_seq_length': 300 is more than the encoder's 256 positions"),
            "\(tooLong.stderr)")

    let classNames = folder.appendingPathComponent("names.txt")
    try "negative\n".write(to: classNames, atomically: true, encoding: .utf8)
    let fewNames = try run(["text_classification", "train", "-r", folder.appendingPathComponent("names").path, "data_dir=\(folder.path)",
                            "model.dataset.num_classes=2", "model.class_labels.class_labels_file=\(classNames.path)"] + tinyEncoder(vocabulary: vocabulary))
    #expect(fewNames.status == 2 && fewNames.stderr.contains("names.txt names 1 classes, but model.dataset.num_classes is 2"), "\(fewNames.stderr)")
    let badIDs = try run(["token_classification", "train", "-r", folder.appendingPathComponent("ids").path, "data_dir=\(folder.path)",
                          "model.label_ids={O: 0, B-LOC: 7, B-PER: 7}"] + tinyEncoder(vocabulary: vocabulary))
    #expect(badIDs.status == 2 && badIDs.stderr.contains("'model.label_ids': ids must be 0...2, each once"), "\(badIDs.stderr)")
    let emptyName = try run(["text_classification", "train", "-r", folder.appendingPathComponent("empty").path, "data_dir=\(folder.path)",
                             "model.dataset.num_classes=2", "save_to="] + tinyEncoder(vocabulary: vocabulary))
    #expect(emptyName.status == 2 && emptyName.stderr.contains("'save_to': '' is not a file name"), "\(emptyName.stderr)")

    // accumulate_grad_batches: 4 rows in batches of 2, two batches per optimizer step, so one step an epoch.
    let accumulated = try run(["text_classification", "train", "-r", folder.appendingPathComponent("accumulate").path, "data_dir=\(folder.path)",
                               "trainer.max_epochs=2", "training_ds.batch_size=2", "training_ds.shuffle=false", "trainer.accumulate_grad_batches=2",
                               "model.dataset.num_classes=2"] + tinyEncoder(vocabulary: vocabulary))
    #expect(accumulated.status == 0 && accumulated.stdout.contains("1 steps per epoch") && accumulated.stdout.contains("trained 2 steps"),
            "\(accumulated.stdout)\(accumulated.stderr)")
    let dropped = try run(["text_classification", "train", "-r", folder.appendingPathComponent("drop").path, "data_dir=\(folder.path)",
                           "training_ds.batch_size=8", "training_ds.drop_last=true", "model.dataset.num_classes=2"] + tinyEncoder(vocabulary: vocabulary))
    #expect(dropped.status == 2 && dropped.stderr.contains("'training_ds.drop_last': the 4 training rows fill no whole batch of 8"),
            "\(dropped.stderr)")

    try "good film\t1\nbad film\tseven\n".write(to: folder.appendingPathComponent("broken.tsv"), atomically: true, encoding: .utf8)
    let broken = try run(["text_classification", "train", "-r", folder.appendingPathComponent("broken").path, "data_dir=\(folder.path)",
                          "training_ds.prefix=broken", "model.dataset.num_classes=2"] + tinyEncoder(vocabulary: vocabulary))
    #expect(broken.status == 1 && broken.stderr.contains("broken.tsv:2"), "\(broken.stderr)")
}

@Test("punctuation_and_capitalization: dataset_convert from raw text, train overfits, infer restores marks and capitals")
func punctuationEndToEnd() throws {
    let folder = TAOProcess.temporaryDirectory("punct"), home = TAOProcess.temporaryDirectory("home")
    defer { for url in [folder, home] { try? FileManager.default.removeItem(at: url) } }
    let environment = ["TAO_HOME": home.path]
    func run(_ arguments: [String]) throws -> TAOProcess.Result { try TAOProcess.run(arguments, environment: environment) }
    let raw = folder.appendingPathComponent("raw")
    try FileManager.default.createDirectory(at: raw, withIntermediateDirectories: true)
    let text = "Where is Emma? She went to Highbury, and she came back.\n\nWhere is Emma? She went to Highbury, and she came back.\n"
    try text.write(to: raw.appendingPathComponent("novel.txt"), atomically: true, encoding: .utf8)
    let data = folder.appendingPathComponent("data")
    let convert = try run(["punctuation_and_capitalization", "dataset_convert", "-r", folder.appendingPathComponent("convert").path,
                           "source_data_dir=\(raw.path)", "target_data_dir=\(data.path)"])
    #expect(convert.status == 0, "\(convert.stderr)")
    let vocabulary = folder.appendingPathComponent("vocab.txt")
    try writeVocabulary(["where", "is", "emma", "she", "went", "to", "highbury", "and", "came", "back"], to: vocabulary)
    let train = try run(["punctuation_and_capitalization", "train", "-r", folder.appendingPathComponent("train").path, "data_dir=\(data.path)",
                         "validation_ds=null", "trainer.max_epochs=60", "training_ds.batch_size=4"] + tinyEncoder(vocabulary: vocabulary))
    #expect(train.status == 0, "\(train.stderr)")
    let infer = try run(["punctuation_and_capitalization", "infer", "-r", folder.appendingPathComponent("infer").path, "-m",
                         folder.appendingPathComponent("train/trained-model.tao").path,
                         "input_batch=[where is emma she went to highbury and she came back]"])
    #expect(infer.status == 0, "\(infer.stderr)")
    #expect(infer.stdout.contains("Where is Emma? She went to Highbury, and she came back."), "\(infer.stdout)")
}
