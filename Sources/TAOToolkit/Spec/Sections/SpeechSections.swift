/// Blocks of the speech tasks, with NeMo 1.x's key names and defaults.
enum SpeechSections {
    /// Space, a-z and apostrophe: the 28 labels of English character models (the blank is added last).
    static let englishLabels = [" "] + "abcdefghijklmnopqrstuvwxyz".map(String.init) + ["'"]

    static let preprocessor = SpecSection([
        .reference("sample_rate", .int, "model.sample_rate", "Sample rate in Hz that audio is resampled to."),
        .float("window_size", 0.02, "STFT window length in seconds.", in: .above(0)),
        .float("window_stride", 0.01, "Hop between frames in seconds.", in: .above(0)),
        .int("n_window_size", nil, "Window length in samples, instead of window_size.", in: .atLeast(1)),
        .int("n_window_stride", nil, "Hop in samples, instead of window_stride.", in: .atLeast(1)),
        .int("n_fft", 512, "FFT size (null: the next power of two above the window).", nullable: true, in: .atLeast(1)),
        .int("features", 64, "Mel bands.", in: .atLeast(1)),
        .choice("window", ["hann", "hamming", "blackman", "bartlett", "none"], "hann", "Window function."),
        .choice("normalize", ["per_feature", "all_features", "none"], "per_feature", "Feature normalization over each utterance."),
        .float("dither", 1e-5, "Gaussian noise added to samples in training only.", in: .atLeast(0)),
        .float("preemph", 0.97, "Pre-emphasis coefficient (null: none).", nullable: true, in: .within(0, 1)),
        .bool("log", true, "Take the log of the mel energies."),
        .choice("log_zero_guard_type", ["add", "clamp"], "add", "How the log avoids zero."),
        .float("log_zero_guard_value", 5.960464477539063e-08, "Guard added (or clamped to) before the log, 2^-24.", in: .above(0)),
        .float("mag_power", 2.0, "Power of the magnitude spectrum (2: power spectrum).", in: .above(0)),
        .choice("mel_norm", ["slaney"], "slaney", "Mel filter normalization: slaney (area-normalized) or null (peak 1).", nullable: true),
        .float("lowfreq", 0.0, "Lowest mel filter frequency in Hz.", in: .atLeast(0)),
        .float("highfreq", nil, "Highest mel filter frequency in Hz (null: sample_rate / 2).", in: .above(0)),
        .int("pad_to", 16, "Pad the frame count to a multiple of this (0: no padding).", in: .atLeast(0)),
        .float("pad_value", 0.0, "Value of padded frames."),
        .int("frame_splicing", 1, "Stack this many consecutive frames.", in: .atLeast(1)),
        .choice("stft_pad_mode", ["reflect", "constant"], "reflect",
                "reflect: NeMo 1.x centred STFT (1 + L/hop frames); constant: current NeMo (L/hop valid frames)."),
    ])

    static let specAugment = SpecSection([
        .int("freq_masks", 2, "Frequency masks per utterance.", in: .atLeast(0)),
        .int("time_masks", 2, "Time masks per utterance.", in: .atLeast(0)),
        .int("freq_width", 15, "Largest frequency mask, in mel bands.", in: .atLeast(0)),
        .float("time_width", 25, "Largest time mask: frames when at least 1, a fraction of the length when below 1.", in: .atLeast(0)),
        .int("rect_masks", 5, "SpecCutout rectangles per utterance.", in: .atLeast(0)),
        .int("rect_time", 25, "Largest rectangle width in frames.", in: .atLeast(0)),
        .int("rect_freq", 15, "Largest rectangle height in mel bands.", in: .atLeast(0)),
    ])

    static let jasperBlock = SpecSection([
        .required("filters", .int, "Output channels."),
        .int("repeat", 1, "Sub-blocks (conv + norm + activation) in the block.", in: .atLeast(1)),
        .ints("kernel", [11], "Kernel size, one value.", in: .atLeast(1)),
        .ints("stride", [1], "Stride, one value.", in: .atLeast(1)),
        .ints("dilation", [1], "Dilation, one value.", in: .atLeast(1)),
        .float("dropout", 0.0, "Dropout after each activation.", in: .fraction),
        .bool("residual", false, "Add a 1x1 conv + BatchNorm of the block input before the last activation."),
        .int("groups", 1, "Convolution groups.", in: .atLeast(1)),
        .bool("separable", true, "Depthwise + pointwise convolutions instead of full ones."),
        .choice("residual_mode", ["add", "stride_add"], "add", "How the residual joins (stride_add: strided 1x1 residual)."),
        .bool("residual_dense", false, "Residuals from every earlier block (Jasper's dense residual)."),
        .bool("se", false, "Squeeze-excitation after the last sub-block."),
        .int("se_reduction_ratio", 8, "Channel reduction inside squeeze-excitation.", in: .atLeast(1)),
        .int("se_context_size", -1, "Frames the squeeze averages over (-1: the whole utterance).", in: .atLeast(1, or: -1)),
        .float("kernel_size_factor", 1.0, "Scale applied to the kernel size (rounded to odd).", in: .above(0)),
        .bool("stride_last", false, "Apply the stride in the last sub-block instead of the first."),
    ])

    /// One entry of `encoder.jasper`, with only the keys that differ from the block defaults.
    static func block(_ filters: Int, repeat: Any = 1, kernel: Int, stride: Int = 1, dilation: Int = 1,
                      dropout: Any = 0.0, residual: Bool = false, separable: Any = true, se: Bool = false,
                      residualMode: String = "add", residualDense: Bool = false, strideLast: Bool = false) -> SpecValue {
        func value(_ any: Any) -> SpecValue {
            switch any {
            case let int as Int: .int(int)
            case let double as Double: .float(double)
            case let bool as Bool: .bool(bool)
            case let string as String: .string(string)
            default: .null
            }
        }
        guard case var .map(map) = jasperBlock.defaultValue else { return .null }
        map["filters"] = .int(filters)
        map["repeat"] = value(`repeat`)
        map["kernel"] = .list([.int(kernel)])
        map["stride"] = .list([.int(stride)])
        map["dilation"] = .list([.int(dilation)])
        map["dropout"] = value(dropout)
        map["residual"] = .bool(residual)
        map["separable"] = value(separable)
        map["se"] = .bool(se)
        map["residual_mode"] = .string(residualMode)
        map["residual_dense"] = .bool(residualDense)
        map["stride_last"] = .bool(strideLast)
        return .map(map)
    }

    /// QuartzNet BxR: C1, B1..B5 each `blockRepeats` times, C2, C3 (DESIGN.md section 6).
    static func quartzNet(blockRepeats: Int) -> [SpecValue] {
        var blocks = [block(256, kernel: 33, stride: 2)]
        for (filters, kernel) in [(256, 33), (256, 39), (512, 51), (512, 63), (512, 75)] {
            for _ in 0..<blockRepeats {
                blocks.append(block(filters, repeat: "${model.repeat}", kernel: kernel, dropout: "${model.dropout}",
                                    residual: true, separable: "${model.separable}"))
            }
        }
        blocks.append(block(512, kernel: 87, dilation: 2))
        blocks.append(block(1024, kernel: 1))
        return blocks
    }

    /// Jasper 10x5: full (not separable) convolutions with dense residuals.
    static let jasper10x5: [SpecValue] = {
        var blocks = [block(256, kernel: 11, stride: 2, dropout: 0.2, separable: false)]
        for (filters, kernel, dropout) in [(256, 11, 0.2), (384, 13, 0.2), (512, 17, 0.2), (640, 21, 0.3), (768, 25, 0.3)] {
            for _ in 0..<2 {
                blocks.append(block(filters, repeat: 5, kernel: kernel, dropout: dropout, residual: true,
                                    separable: false, residualDense: true))
            }
        }
        blocks.append(block(896, kernel: 29, dilation: 2, dropout: 0.4, separable: false))
        blocks.append(block(1024, kernel: 1, dropout: 0.4, separable: false))
        return blocks
    }()

    /// Citrinet with `filters` channels: B0, three mega-blocks (stride 2 first) with squeeze-excitation, final block.
    static func citrinet(filters: Int, finalFilters: Int = 640) -> [SpecValue] {
        func seBlock(_ kernel: Int, stride: Int = 1, repeats: Int = 5) -> SpecValue {
            block(filters, repeat: repeats, kernel: kernel, stride: stride, dropout: 0.1, residual: true, se: true,
                  residualMode: stride > 1 ? "stride_add" : "add", strideLast: stride > 1)
        }
        var blocks = [block(filters, kernel: 5, se: true)]
        for kernels in [[11, 13, 15, 17, 19, 21], [13, 15, 17, 19, 21, 23, 25], [25, 27, 29, 31, 33, 35, 37, 39]] {
            for (index, kernel) in kernels.enumerated() { blocks.append(seBlock(kernel, stride: index == 0 ? 2 : 1)) }
        }
        blocks.append(block(finalFilters, kernel: 41, se: true))
        return blocks
    }

    static func encoder(blocks: [SpecValue], activation: String) -> SpecSection {
        SpecSection([
            .reference("feat_in", .int, "model.preprocessor.features", "Input features per frame."),
            .choice("activation", ["relu", "swish", "selu", "tanh", "hardtanh"], activation, "Activation after each sub-block."),
            .bool("conv_mask", true, "Zero padded frames before every convolution, so batching does not change outputs."),
            SpecField("jasper", .list(.section(jasperBlock)), .list(blocks), doc: "Blocks, in order."),
        ])
    }

    static func decoder(featIn: Int, vocabulary: String) -> SpecSection {
        SpecSection([
            .int("feat_in", featIn, "Channels of the encoder's last block.", in: .atLeast(1)),
            .int("num_classes", -1, "Output labels without the blank (-1: the vocabulary's size).", in: .atLeast(1, or: -1)),
            .reference("vocabulary", .list(.string), vocabulary, "Labels the decoder predicts; the CTC blank is added last."),
        ])
    }

    static func manifestDataset(batchSize: Int, shuffle: Bool, maxDuration: Double?, trimSilence: Bool, labels: Bool = true) -> SpecSection {
        var fields: [SpecField] = [
            .required("manifest_filepath", .string, "NeMo manifest (JSON lines with audio_filepath, duration, text); several may be joined with commas."),
            .reference("sample_rate", .int, "model.sample_rate", "Sample rate in Hz that audio is resampled to."),
        ]
        if labels { fields.append(.reference("labels", .list(.string), "model.labels", "Labels transcripts are checked against.")) }
        fields += [
            .int("batch_size", batchSize, "Utterances per batch.", in: .atLeast(1)),
            .bool("shuffle", shuffle, "Shuffle utterances every epoch (seeded)."),
            .float("max_duration", maxDuration, "Skip utterances longer than this, in seconds (null: keep all).", nullable: true, in: .above(0)),
            .float("min_duration", 0.1, "Skip utterances shorter than this, in seconds (null: keep all).", nullable: true, in: .atLeast(0)),
            .bool("trim_silence", trimSilence, "Trim leading and trailing silence."),
            .bool("normalize_transcripts", false, "Lowercase transcripts and drop characters outside the labels instead of skipping them."),
            .bool("strict", false, "Fail on a bad manifest line instead of reporting and skipping it."),
            .floats("speed_perturb", nil, "Speed factors to pick from at random per utterance, e.g. [0.9, 1.0, 1.1].", in: .above(0)),
            .int("num_workers", 1, "Accepted for NeMo compatibility; tao featurizes the next batch on one background thread while this one trains.", in: .atLeast(0)),
            .bool("is_tarred", false, "Accepted for TAO compatibility; tao reads plain manifests only."),
            .string("tarred_audio_filepaths", nil, "Accepted for TAO compatibility; tao reads plain manifests only."),
        ]
        return SpecSection(fields)
    }

    /// How log-probabilities become words: greedy, or CTC beam search fused with an n-gram LM (pyctcdecode's keys).
    static let decoding = SpecSection([
        .choice("strategy", ["greedy", "beam"], "greedy", "greedy: the best label per frame; beam: prefix beam search, with an LM when lm_path is set."),
        .int("beam_width", 32, "Beams kept per frame.", in: .atLeast(1)),
        .float("beam_prune_logp", -10.0, "Drop beams this much (natural log) below the best."),
        .float("token_min_logp", nil, "Skip labels below this log-probability in a frame, the best always tried (null: the model's tuned value, else -5).",
               nullable: true),
        .string("lm_path", nil, "An n-gram LM: a .tao from n_gram train, an ARPA file or tao's binary format."),
        .float("alpha", nil, "Weight of the LM's natural-log score (null: the model's tuned weight, else 0.5).", nullable: true),
        .float("beta", nil, "Bonus per word (null: the model's tuned bonus, else 1.0).", nullable: true),
        .float("unk_score_offset", -10.0, "LM score added for a word the LM does not know."),
        .strings("hotwords", [], "Words or phrases to favour."),
        .float("hotword_weight", 10.0, "How strongly hotwords are favoured."),
        .floats("alpha_grid", [], "evaluate only: alphas to try (with beta_grid); the pair with the lowest WER is reported and used."),
        .floats("beta_grid", [], "evaluate only: betas to try (with alpha_grid)."),
    ])

    static let asrOptim = CommonSections.optim(name: "novograd", lr: 0.01, betas: [0.8, 0.5], weightDecay: 0.001,
                                              scheduler: "CosineAnnealing", warmupSteps: nil, warmupRatio: 0.05)

    static func characterModel(blocks: [SpecValue]) -> SpecSection {
        SpecSection([
            .strings("labels", englishLabels, "Output characters; the CTC blank is added after the last."),
            .int("sample_rate", 16000, "Sample rate in Hz the model works at.", in: .atLeast(1)),
            .int("repeat", 5, "Sub-blocks per residual block (used by encoder.jasper).", in: .atLeast(1)),
            .float("dropout", 0.0, "Dropout in the residual blocks (used by encoder.jasper).", in: .fraction),
            .bool("separable", true, "Separable convolutions in the residual blocks (used by encoder.jasper)."),
            section("preprocessor", preprocessor, doc: "Log-mel front end (NeMo AudioToMelSpectrogramPreprocessor)."),
            section("spec_augment", specAugment, nullable: true, doc: "SpecAugment in training (null: none)."),
            section("encoder", encoder(blocks: blocks, activation: "relu"), doc: "QuartzNet/Jasper encoder (ConvASREncoder)."),
            section("decoder", decoder(featIn: 1024, vocabulary: "model.labels"), doc: "CTC decoder (ConvASRDecoder)."),
        ])
    }

    /// NeMo's `model.tokenizer` keys.
    static let tokenizer = SpecSection([
        .required("dir", .string, "Folder made by create_tokenizer (bpe: tokenizer.model; wpe: vocab.txt)."),
        .choice("type", ["bpe", "wpe"], "bpe", "bpe: SentencePiece model; wpe: WordPiece vocabulary."),
    ])

    static func subwordModel(filters: Int) -> SpecSection {
        SpecSection([
            .int("sample_rate", 16000, "Sample rate in Hz the model works at.", in: .atLeast(1)),
            section("tokenizer", tokenizer, doc: "Subword tokenizer; its vocabulary (blank last) is the decoder's."),
            section("preprocessor", preprocessor.withDefault("features", .int(80)).withDefault("window_size", .float(0.025)),
                    doc: "Log-mel front end (NeMo AudioToMelSpectrogramPreprocessor)."),
            section("spec_augment", specAugment.withDefault("rect_masks", .int(0)).withDefault("time_width", .float(0.05)),
                    nullable: true, doc: "SpecAugment in training (null: none)."),
            section("encoder", encoder(blocks: citrinet(filters: filters), activation: "relu"), doc: "Citrinet encoder."),
            section("decoder", SpecSection([
                .int("feat_in", 640, "Channels of the encoder's last block.", in: .atLeast(1)),
                .int("num_classes", -1, "Output subwords without the blank (-1: the tokenizer's size).", in: .atLeast(1, or: -1)),
                .strings("vocabulary", [], "Filled from the tokenizer at training time."),
            ]), doc: "CTC decoder (ConvASRDecoder)."),
        ])
    }
}
