/// Blocks of the text tasks, with TAO 3.x / NeMo key names and defaults.
enum NLPSections {
    static let languageModel = SpecSection([
        .string("pretrained_model_name", "pretrained/all-MiniLM-L6-v2",
                "A folder holding config.json, model.safetensors and vocab.txt (a Hugging Face BERT checkpoint; `make setup` fetches this one)."),
        .string("lm_checkpoint", nil, "A model.safetensors to load instead of the folder's."),
        .string("config_file", nil, "A config.json giving the encoder's size (random initialization without weights)."),
        SpecField("config", .dictionary(.any), .null, doc: "Encoder size as Hugging Face config keys (hidden_size, num_hidden_layers, ...)."),
        .int("num_layers", nil, "Keep only the encoder's first N layers (a smaller, faster model); null keeps all.", in: .atLeast(1)),
        .bool("trim_vocabulary", false, "Cut the WordPiece vocabulary to the pieces of the training data (plus single characters), for a smaller model."),
    ])

    static let tokenizer = SpecSection([
        .reference("tokenizer_name", .string, "model.language_model.pretrained_model_name", "Where the WordPiece vocabulary comes from."),
        .string("vocab_file", nil, "A vocab.txt to use instead of the language model's."),
        .string("tokenizer_model", nil, "A SentencePiece model, for encoders trained with one."),
        SpecField("special_tokens", .dictionary(.string), .null, doc: "Overrides of [CLS], [SEP], [PAD], [UNK], [MASK]."),
    ])

    /// AdamW rather than NeMo's Adam: with Adam, weight decay is added to the gradient and then normalized, so every
    /// weight (embedding rows absent from a batch included) is pulled toward zero at up to lr per step, which erases
    /// a pretrained encoder within a few epochs; decoupled decay shrinks weights by lr x decay only.
    static let optim = CommonSections.optim(name: "adamw", lr: 1e-4, betas: [0.9, 0.999], weightDecay: 0.01,
                                           scheduler: "WarmupAnnealing", warmupSteps: nil, warmupRatio: 0.1)

    static func prefixDataset(prefix: String, batchSize: Int, shuffle: Bool) -> SpecSection {
        SpecSection([
            .string("prefix", prefix, "Files of this split in data_dir: <prefix>.tsv (and <prefix>_slots.tsv)."),
            .int("batch_size", batchSize, "Sentences per batch.", in: .atLeast(1)),
            .bool("shuffle", shuffle, "Shuffle every epoch (seeded)."),
            .int("num_samples", -1, "Use only the first this many sentences (-1: all).", in: .atLeast(1, or: -1)),
            .int("num_workers", 1, "Accepted for NeMo compatibility; tao prepares batches in memory as it trains.", in: .atLeast(0)),
            .bool("drop_last", false, "Drop a last batch smaller than batch_size."),
        ])
    }

    static func textFileDataset(split: String, batchSize: Int, shuffle: Bool) -> SpecSection {
        SpecSection([
            .string("text_file", "text_\(split).txt", "Sentences, one per line, words separated by spaces (in data_dir)."),
            .string("labels_file", "labels_\(split).txt", "Labels, one line per sentence, one label per word (in data_dir)."),
            .int("batch_size", batchSize, "Sentences per batch.", in: .atLeast(1)),
            .bool("shuffle", shuffle, "Shuffle every epoch (seeded)."),
            .int("num_samples", -1, "Use only the first this many sentences (-1: all).", in: .atLeast(1, or: -1)),
            .int("num_workers", 1, "Accepted for NeMo compatibility; tao prepares batches in memory as it trains.", in: .atLeast(0)),
        ])
    }

    static let tokenDataset = SpecSection([
        .int("max_seq_length", 128, "Longest input in subword tokens, [CLS] and [SEP] included; longer inputs are cut.", in: .atLeast(3)),
        .string("pad_label", "O", "Label [CLS] and [SEP] are trained on when ignore_start_end is false."),
        .bool("ignore_extra_tokens", true,
              "Leave the loss out for the 2nd and later pieces of a word (NeMo's default is false; models/README.md says why not here)."),
        .bool("ignore_start_end", true, "Leave the loss out for [CLS] and [SEP] (NeMo's default is false)."),
        .bool("use_cache", false, "Accepted for NeMo compatibility; tao tokenizes in memory and writes no cache."),
    ])

    static func tokenHead(layersKey: String, layers: Int, dropout: Double) -> SpecSection {
        SpecSection([
            .int(layersKey, layers, "Fully connected layers in the head.", in: .atLeast(1)),
            .float("fc_dropout", dropout, "Dropout before each layer of the head.", in: .fraction),
            .choice("activation", ["relu", "gelu", "tanh"], "relu", "Activation between the head's layers."),
            .bool("use_transformer_init", true, "Initialize the head as BERT initializes its layers."),
        ])
    }

    static let classificationHead = SpecSection([
        .int("num_output_layers", 2, "Fully connected layers in the head.", in: .atLeast(1)),
        .float("fc_dropout", 0.1, "Dropout before each layer of the head.", in: .fraction),
    ])

    static func inferQueries(_ examples: [String]) -> SpecSection {
        SpecSection([
            .strings("input_batch", examples, "Sentences to label."),
            .string("input_file", nil, "A file of sentences, one per line, labelled instead of input_batch."),
        ])
    }
}
