import TAOTensor
/// The default spec of every task and subtask: the schema user specs are checked against, and what
/// `download_specs` writes.
public enum DefaultSpecs {
    /// The schema of a subtask's spec, or nil for subtasks that take none (download_specs).
    public static func schema(_ task: TaskName, _ subtask: Subtask) -> SpecSection? {
        guard task.subtasks.contains(subtask), subtask != .downloadSpecs else { return nil }
        switch task {
        case .speechToText: return speech(subtask, model: SpeechSections.characterModel(blocks: SpeechSections.quartzNet(blockRepeats: 3)), labels: true)
        case .speechToTextCitrinet:
            if subtask == .createTokenizer { return createTokenizer }
            return speech(subtask, model: SpeechSections.subwordModel(filters: 256), labels: false)
        case .nGram: return nGram(subtask)
        default: return text(task, subtask)
        }
    }

    /// The file name `download_specs` writes a subtask's spec to.
    public static func fileName(_ subtask: Subtask) -> String { subtask.rawValue + ".yaml" }

    /// The other architectures a task ships as train specs beside `train.yaml`: the same keys (they are checked against
    /// the train schema), other defaults for the network. speech_to_text's train.yaml is QuartzNet 15x5;
    /// speech_to_text_citrinet's is Citrinet-256.
    public static func architectures(_ task: TaskName) -> [(fileName: String, description: String, schema: SpecSection)] {
        switch task {
        case .speechToText:
            let character = { (blocks: [SpecValue]) in speech(.train, model: SpeechSections.characterModel(blocks: blocks), labels: true) }
            return [
                ("train_quartznet_5x5.yaml", "QuartzNet 5x5 (6.7 M parameters)", character(SpeechSections.quartzNet(blockRepeats: 1))),
                ("train_jasper_10x5.yaml", "Jasper 10x5 (dense residuals, full convolutions)", character(SpeechSections.jasper10x5)),
            ]
        case .speechToTextCitrinet:
            return [384, 512, 1024].map { filters in
                ("train_citrinet_\(filters).yaml", "Citrinet-\(filters)",
                 speech(.train, model: SpeechSections.subwordModel(filters: filters), labels: false))
            }
        default:
            return []
        }
    }

    // MARK: Speech

    private static func speech(_ subtask: Subtask, model: SpecSection, labels: Bool) -> SpecSection {
        let dataset = { (batch: Int, shuffle: Bool, maxDuration: Double?) in
            SpeechSections.manifestDataset(batchSize: batch, shuffle: shuffle, maxDuration: maxDuration,
                                           trimSilence: shuffle, labels: labels)
        }
        // Blocks outside `model` refer to model.sample_rate and model.labels; evaluation-time specs carry those two.
        var modelBasics: [SpecField] = [.int("sample_rate", 16000, "Sample rate in Hz the model works at.", in: .atLeast(1))]
        if labels { modelBasics.append(.strings("labels", SpeechSections.englishLabels, "Output characters of the model.")) }
        let basics = section("model", SpecSection(modelBasics), doc: "What the data blocks need to know of the model.")
        var finetuneModel = modelBasics + [
            SpecField("spec_augment", .section(SpeechSections.specAugment), .null, nullable: true,
                      doc: "SpecAugment for this run, e.g. lighter while a model underfits (null: the model's own)."),
        ]
        if !labels {
            finetuneModel.append(SpecField("tokenizer", .section(SpeechSections.tokenizer), .null, nullable: true,
                                           doc: "A new tokenizer {dir, type}: its vocabulary replaces the decoder, the encoder is kept (null: keep the model's)."))
        }
        let finetuneBasics = section("model", SpecSection(finetuneModel),
                                     doc: "What the data blocks need to know of the model, and what this run changes of it.")
        switch subtask {
        case .train:
            return SpecSection([
                section("trainer", CommonSections.trainer(maxEpochs: 100), doc: "Training loop."),
                section("exp_manager", CommonSections.experimentManager(saveBestModel: false), doc: "Checkpoints and the model a run ends with."),
                CommonSections.saveTo("trained-model.tao"),
                section("model", model, doc: "The model."),
                section("training_ds", dataset(32, true, 16.7), doc: "Training data."),
                section("validation_ds", dataset(32, false, nil), nullable: true, doc: "Validation data (null: none)."),
                section("optim", SpeechSections.asrOptim, doc: "Optimizer."),
            ])
        case .finetune:
            var fields: [SpecField] = [
                section("trainer", CommonSections.trainer(maxEpochs: 50), doc: "Training loop."),
                section("exp_manager", CommonSections.experimentManager(saveBestModel: false), doc: "Checkpoints and the model a run ends with."),
                CommonSections.saveTo("finetuned-model.tao"),
                finetuneBasics,
            ]
            if labels {
                fields.append(.strings("change_vocabulary", nil, "New output characters; the decoder is replaced (null: keep the model's)."))
            }
            fields += [
                section("finetuning_ds", dataset(32, true, 16.7), doc: "Data to finetune on."),
                section("validation_ds", dataset(32, false, nil), nullable: true, doc: "Validation data (null: none)."),
                section("optim", SpeechSections.asrOptim.withDefault("lr", .float(0.001)), doc: "Optimizer."),
            ]
            return SpecSection(fields)
        case .evaluate:
            return SpecSection([basics, section("test_ds", dataset(32, false, nil), doc: "Test data."),
                                .float("max_segment_seconds", 20.0, "An utterance whose manifest duration is longer than this is cut at its "
                                       + "pauses and transcribed in stretches, as infer cuts it (0: every utterance whole, as NeMo takes it).",
                                       in: .atLeast(2, or: 0)),
                                section("decoding", SpeechSections.decoding, doc: "How transcripts are decoded.")])
        case .infer:
            return SpecSection([
                .strings("file_paths", nil, "Audio files to transcribe (WAV, FLAC, OGG; any rate); or give manifest."),
                .string("manifest", nil, "A NeMo manifest whose utterances are transcribed, after file_paths "
                        + "(a line with an offset is that stretch of its file)."),
                .int("batch_size", 8, "Utterances transcribed together.", in: .atLeast(1)),
                .float("max_segment_seconds", 20.0, "A file longer than this is cut at its pauses into utterances of at most this "
                       + "length, each transcribed alone, as tao serve cuts requests (0: every file whole).", in: .atLeast(2, or: 0)),
                section("decoding", SpeechSections.decoding, doc: "How transcripts are decoded."),
            ])
        case .export:
            let export = CommonSections.export(format: ["tao"], defaultFormat: "tao", to: "exported-model.tao")
            return SpecSection(export.fields + [
                .string("lm_path", nil, "An n-gram LM (.tao, ARPA or binary) to carry inside the exported model; beam search uses it when decoding.lm_path is null."),
                section("decoding", SpecSection([
                    .float("alpha", nil, "LM weight tuned for this model and its LM (e.g. by evaluate's decoding.alpha_grid); null: keep the model's.",
                           nullable: true),
                    .float("beta", nil, "Word bonus tuned with it (decoding.beta_grid); null: keep the model's.", nullable: true),
                    .float("token_min_logp", nil, "Label log-probability threshold tuned with them; null: keep the model's.", nullable: true),
                ]), doc: "Beam-search settings stored in the model: evaluate, infer and tao serve use them where a spec or request sets none."),
            ])
        case .datasetConvert:
            return CommonSections.datasetConvert(names: ["librispeech", "an4", "folder"], defaultName: "folder")
                .replacing(.int("sample_rate", 16000, "Rate in Hz the converted audio is written at.", in: .atLeast(1)))
        case .createTokenizer, .downloadSpecs:
            return SpecSection([])
        }
    }

    private static let createTokenizer = SpecSection([
        .string("manifests", nil, "Manifests whose transcripts train the tokenizer (comma separated)."),
        .string("data_file", nil, "A text file to train on instead of manifests."),
        .required("output_root", .string, "Folder the tokenizer folder is written into."),
        .int("vocab_size", 256, "Subword vocabulary size.", in: .atLeast(1)),
        .choice("tokenizer", ["spe", "wpe"], "spe", "spe: SentencePiece; wpe: WordPiece."),
        .choice("spe_type", ["bpe", "unigram", "char", "word"], "bpe", "SentencePiece model type."),
        .float("spe_character_coverage", 1.0, "Fraction of characters the vocabulary covers.", in: SpecBounds(lower: 0, lowerIncluded: false, upper: 1)),
        .int("spe_sample_size", -1, "Sentences sampled for training (-1: all).", in: .atLeast(1, or: -1)),
        .int("spe_max_sentencepiece_length", -1, "Longest piece in characters (-1: no limit).", in: .atLeast(1, or: -1)),
        .bool("spe_split_digits", false, "Split numbers into single digits."),
        .bool("lower_case", true, "Lowercase text before training."),
    ])

    // MARK: n-gram

    private static func nGram(_ subtask: Subtask) -> SpecSection {
        switch subtask {
        case .train:
            return SpecSection([
                section("model", NGramSections.model, doc: "The n-gram model."),
                section("training_ds", NGramSections.trainingData, doc: "Training text."),
                CommonSections.saveTo("trained-lm.tao"),
            ])
        case .evaluate:
            return SpecSection([section("test_ds", NGramSections.testData, doc: "Held-out text.")])
        case .infer:
            return NLPSections.inferQueries(["book a flight to boston", "what is the weather like"])
        case .export:
            return CommonSections.export(format: ["arpa", "binary"], defaultFormat: "arpa", to: "exported-lm.arpa")
        case .datasetConvert:
            return SpecSection([
                .required("source_data_dir", .string, "Folder of text files."),
                .required("target_data_dir", .string, "Folder the normalized corpus is written to."),
                .string("extension", "*.txt", "Pattern of the files to read."),
            ])
        default:
            return SpecSection([])
        }
    }

    // MARK: Text

    private static func text(_ task: TaskName, _ subtask: Subtask) -> SpecSection {
        let dataDir = SpecField.required("data_dir", .string, "Folder holding the task's data files.")
        let data = trainingData(task)
        switch subtask {
        case .train:
            return SpecSection([
                section("trainer", CommonSections.trainer(maxEpochs: task == .punctuationAndCapitalization ? 3 : 10), doc: "Training loop."),
                section("exp_manager", CommonSections.experimentManager(saveBestModel: false), doc: "Checkpoints and the model a run ends with."),
                CommonSections.saveTo("trained-model.tao"),
                dataDir,
                section("model", textModel(task), doc: "The model."),
                section("training_ds", data.train, doc: "Training data."),
                section("validation_ds", data.validation, nullable: true, doc: "Validation data (null: none)."),
                section("optim", NLPSections.optim, doc: "Optimizer."),
            ])
        case .finetune:
            return SpecSection([
                section("trainer", CommonSections.trainer(maxEpochs: 3), doc: "Training loop."),
                section("exp_manager", CommonSections.experimentManager(saveBestModel: false), doc: "Checkpoints and the model a run ends with."),
                CommonSections.saveTo("finetuned-model.tao"),
                dataDir,
                section("training_ds", data.train, doc: "Data to finetune on."),
                section("validation_ds", data.validation, nullable: true, doc: "Validation data (null: none)."),
                section("optim", NLPSections.optim, doc: "Optimizer."),
            ])
        case .evaluate:
            return SpecSection([dataDir, section("test_ds", data.validation, doc: "Test data.")])
        case .infer:
            return NLPSections.inferQueries(inferExamples(task))
        case .export:
            let export = CommonSections.export(format: ["tao"], defaultFormat: "tao", to: "exported-model.tao")
            return SpecSection(export.fields + [
                .choice("weights_dtype", WeightStorage.allCases.map(\.rawValue), "float32",
                        "Storage of the weights: float16 halves the file; int8 (matrices, a scale per row) quarters it. They load as float32."),
                .int("vocabulary_size", 0,
                     "Keep only the first N WordPiece tokens (BERT vocabularies list them from most to least frequent), plus the special "
                     + "tokens and every single character, for a smaller file; rarer words then split into smaller pieces. 0 keeps all.", in: .atLeast(0)),
                .string("data_dir", nil, "With vocabulary_size: a data folder (as training read it) whose training text's pieces are kept too.",
                        nullable: true),
            ])
        case .datasetConvert:
            let convert = CommonSections.datasetConvert(names: convertNames(task), defaultName: convertNames(task)[0])
            guard task == .punctuationAndCapitalization else { return convert }
            return convert.replacing(
                .int("max_words", 64, "The most words in one example: paragraphs are cut after the last sentence end that keeps a piece under it.", in: .atLeast(1)),
                .bool("sentence_windows", false,
                      "Training split only: an example from every sentence start (packed up to max_words), so each sentence is seen in several contexts."))
        case .createTokenizer, .downloadSpecs:
            return SpecSection([])
        }
    }

    private static func trainingData(_ task: TaskName) -> (train: SpecSection, validation: SpecSection) {
        switch task {
        case .textClassification:
            (NLPSections.prefixDataset(prefix: "train", batchSize: 64, shuffle: true),
             NLPSections.prefixDataset(prefix: "dev", batchSize: 64, shuffle: false))
        case .intentSlotClassification:
            (NLPSections.prefixDataset(prefix: "train", batchSize: 32, shuffle: true),
             NLPSections.prefixDataset(prefix: "test", batchSize: 32, shuffle: false))
        default:
            (NLPSections.textFileDataset(split: "train", batchSize: 32, shuffle: true),
             NLPSections.textFileDataset(split: "dev", batchSize: 32, shuffle: false))
        }
    }

    private static func textModel(_ task: TaskName) -> SpecSection {
        let encoder: [SpecField] = [
            section("language_model", NLPSections.languageModel, doc: "The BERT encoder."),
            section("tokenizer", NLPSections.tokenizer, doc: "WordPiece tokenizer."),
        ]
        switch task {
        case .textClassification:
            return SpecSection([
                section("class_labels", SpecSection([
                    .string("class_labels_file", nil, "Names of the classes, one per line (line i names label i)."),
                ]), doc: "Class names."),
                section("dataset", SpecSection([
                    .required("num_classes", .int, "Number of classes."),
                    .bool("do_lower_case", false, "Lowercase sentences (for cased vocabularies)."),
                    .int("max_seq_length", 256, "Longest input in subword tokens; longer inputs are cut.", in: .atLeast(3)),
                    .choice("class_balancing", ["weighted_loss"], nil, "weighted_loss: weigh classes by inverse frequency."),
                    .bool("use_cache", false, "Cache tokenized data next to the data files."),
                ]), doc: "How sentences become model inputs."),
            ] + encoder + [section("classifier_head", NLPSections.classificationHead, doc: "Classification head.")])
        case .tokenClassification:
            return SpecSection([
                SpecField("label_ids", .dictionary(.int), .null, doc: "Label name to id (null: from the training labels)."),
                section("dataset", NLPSections.tokenDataset, doc: "How sentences become model inputs."),
            ] + encoder + [section("head", NLPSections.tokenHead(layersKey: "num_fc_layers", layers: 2, dropout: 0.5), doc: "Token head.")])
        case .intentSlotClassification:
            return SpecSection([
                section("class_labels", SpecSection([
                    .string("intent_labels_file", "dict.intents.csv", "Intent names, one per line (in data_dir)."),
                    .string("slot_labels_file", "dict.slots.csv", "Slot names, one per line, O last (in data_dir)."),
                ]), doc: "Label names."),
                .float("intent_loss_weight", 0.6, "Weight of the intent loss; the slot loss gets the rest.", in: .within(0, 1)),
                .int("pad_label", -1, "Slot id [CLS] and [SEP] are trained on when ignore_start_end is false (-1: the O label).", in: .atLeast(-1)),
                .bool("ignore_extra_tokens", true, "Leave the loss out for the 2nd and later pieces of a word (NeMo's default is false)."),
                .bool("ignore_start_end", true, "Leave the loss out for [CLS] and [SEP]."),
                .choice("class_balancing", ["weighted_loss"], nil, "weighted_loss: weigh classes by inverse frequency."),
                .int("max_seq_length", 50, "Longest input in subword tokens; longer inputs are cut.", in: .atLeast(3)),
                section("head", SpecSection([
                    .int("num_output_layers", 2, "Fully connected layers in each head.", in: .atLeast(1)),
                    .float("fc_dropout", 0.1, "Dropout before each layer of the heads.", in: .fraction),
                ]), doc: "Intent and slot heads."),
            ] + encoder)
        default:
            return SpecSection([
                SpecField("punct_label_ids", .dictionary(.int), .null, doc: "Punctuation label to id (null: from the training labels)."),
                SpecField("capit_label_ids", .dictionary(.int), .null, doc: "Capitalization label to id (null: from the training labels)."),
                section("dataset", NLPSections.tokenDataset, doc: "How sentences become model inputs."),
                section("punct_head", NLPSections.tokenHead(layersKey: "punct_num_fc_layers", layers: 1, dropout: 0.1), doc: "Punctuation head."),
                section("capit_head", NLPSections.tokenHead(layersKey: "capit_num_fc_layers", layers: 1, dropout: 0.1), doc: "Capitalization head."),
            ] + encoder)
        }
    }

    private static func inferExamples(_ task: TaskName) -> [String] {
        switch task {
        case .textClassification: ["the film was a delight from start to finish", "a dull, lifeless script"]
        case .tokenClassification: ["we bought some food at the hotel bar in new york", "jack london went to paris"]
        case .intentSlotClassification: ["show me flights from boston to denver tomorrow", "what is the cheapest fare to dallas"]
        default: ["we bought four shirts one pen and a mug from the nvidia gear store in santa clara", "what can i do for you today"]
        }
    }

    private static func convertNames(_ task: TaskName) -> [String] {
        switch task {
        case .textClassification: ["atis"]
        case .tokenClassification: ["conll"]
        case .intentSlotClassification: ["atis", "snips"]
        default: ["text"]
        }
    }
}
