/// Blocks every training task shares: the trainer, the optimizer and its schedule, export and dataset_convert.
enum CommonSections {
    static func trainer(maxEpochs: Int) -> SpecSection {
        SpecSection([
            .int("max_epochs", maxEpochs, "Passes over the training data (-1: no limit, max_steps ends the run).", in: .atLeast(1, or: -1)),
            .int("max_steps", -1, "Stop after this many optimizer steps (-1: no limit).", in: .atLeast(1, or: -1)),
            .int("gpus", 0, "Accepted for TAO compatibility; tao trains on the CPU and ignores it."),
            .int("num_nodes", 1, "Machines to train on; tao trains on this one, so only 1.", in: .only(1)),
            .string("accelerator", nil, "Accepted for TAO compatibility (tao always uses the CPU)."),
            .int("precision", 32, "Accepted for TAO compatibility; tao trains in float32 whatever it says."),
            .int("num_threads", 0, "CPU threads (0: all cores).", in: .atLeast(0)),
            .int("seed", 42, "Seed of every random choice (shuffling, augmentation, initialization)."),
            .int("accumulate_grad_batches", 1, "Batches whose gradients are summed before each optimizer step.", in: .atLeast(1)),
            .float("gradient_clip_val", 0.0, "Clip the global gradient norm to this value (0: no clipping).", in: .atLeast(0)),
            .int("log_every_n_steps", 10, "Write metrics every this many steps.", in: .atLeast(1)),
            .float("val_check_interval", 1.0, "Validate every this fraction of an epoch; tao validates at the end of each, so only 1.0.", in: .only(1)),
            .int("check_val_every_n_epoch", 1, "Validate every this many epochs.", in: .atLeast(1)),
        ])
    }

    /// `exp_manager` as NeMo names it; tao keeps only the choice of which epoch's model a run ends with.
    static func experimentManager(saveBestModel: Bool) -> SpecSection {
        SpecSection([
            section("checkpoint_callback_params", SpecSection([
                .bool("save_best_model", saveBestModel,
                      "End with the model of the epoch that scored best on validation_ds (false: the last epoch's)."),
            ]), doc: "Checkpoints kept during training."),
        ])
    }

    static let schedulerNames = ["CosineAnnealing", "WarmupAnnealing", "NoamAnnealing", "PolynomialDecayAnnealing", "constant"]

    static func optim(name: String, lr: Double, betas: [Double]?, weightDecay: Double, scheduler: String,
                      warmupSteps: Int?, warmupRatio: Double?) -> SpecSection {
        SpecSection([
            .choice("name", ["novograd", "adam", "adamw", "sgd"], name, "Optimizer."),
            .float("lr", lr, "Peak learning rate.", in: .above(0)),
            .floats("betas", betas, "Adam/Novograd moment coefficients [beta1, beta2].", nullable: true, in: .fraction),
            .float("weight_decay", weightDecay, "Weight decay (decoupled for adamw and novograd).", in: .atLeast(0)),
            .float("momentum", 0.9, "SGD momentum.", in: .fraction),
            .bool("nesterov", false, "SGD with Nesterov momentum."),
            .float("eps", 1e-8, "Added to denominators for numerical stability.", in: .above(0)),
            section("sched", SpecSection([
                .choice("name", schedulerNames, scheduler, "Learning-rate schedule."),
                .int("warmup_steps", warmupSteps, "Steps of linear warmup from 0 to lr.", in: .atLeast(0)),
                .float("warmup_ratio", warmupRatio, "Warmup as a fraction of all steps (instead of warmup_steps).", in: .within(0, 1)),
                .float("min_lr", 0.0, "Lowest learning rate the schedule decays to.", in: .atLeast(0)),
                .int("last_epoch", -1, "Accepted for NeMo compatibility; a rerun with the same -r resumes the schedule from its checkpoint."),
                .float("power", 1.0, "Exponent of PolynomialDecayAnnealing.", in: .above(0)),
                .int("d_model", nil, "Model width that scales NoamAnnealing.", in: .atLeast(1)),
            ]), nullable: true, doc: "Learning-rate schedule; null keeps lr constant."),
        ])
    }

    static func export(format: [String], defaultFormat: String, to file: String) -> SpecSection {
        SpecSection([
            .choice("export_format", format, defaultFormat, "Format of the exported model."),
            .string("export_to", file, "File to write, inside the results directory unless absolute."),
        ])
    }

    static func datasetConvert(names: [String], defaultName: String) -> SpecSection {
        SpecSection([
            .choice("dataset_name", names, defaultName, "Layout of the source data."),
            .required("source_data_dir", .string, "Folder holding the dataset as distributed."),
            .required("target_data_dir", .string, "Folder to write the converted dataset to."),
        ])
    }

    static func saveTo(_ file: String) -> SpecField {
        .string("save_to", file, "Model archive (.tao) written at the end, inside the results directory unless absolute.")
    }
}
