import Foundation
import Testing
@testable import TAOToolkit
import TAOSpeech

/// Every task and subtask that has a spec.
let allSpecs: [(TaskName, Subtask)] = TaskName.allCases.flatMap { task in
    task.subtasks.compactMap { DefaultSpecs.schema(task, $0) == nil ? nil : (task, $0) }
}

/// Overrides that fill every `???` key of a default spec with a value of its type.
func fillRequired(_ schema: SpecSection, prefix: String = "") -> [String] {
    schema.fields.flatMap { field -> [String] in
        let path = prefix.isEmpty ? field.name : prefix + "." + field.name
        if field.defaultValue == .missing {
            switch field.type {
            case .int: return ["\(path)=3"]
            case .list: return ["\(path)=[a.wav]"]
            default: return ["\(path)=data/x"]
            }
        }
        if case let .section(section) = field.type { return fillRequired(section, prefix: path) }
        return []
    }
}

func load(_ yaml: String, task: TaskName = .speechToText, subtask: Subtask = .train, overrides: [String] = []) throws -> ResolvedSpec {
    let schema = try #require(DefaultSpecs.schema(task, subtask))
    return try ResolvedSpec.load(schema: schema, yaml: yaml, name: "spec.yaml", overrides: overrides)
}

@Test("download_specs keeps a spec the user has edited and rewrites an unchanged one")
func downloadKeepsEditedSpecs() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tao-specs-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let first = try SpecDownloader.write(.nGram, to: directory)
    let edited = try #require(first.first), unchanged = try #require(first.last)
    try "# mine\n".write(to: edited, atomically: true, encoding: .utf8)
    var kept: [URL] = []
    let second = try SpecDownloader.write(.nGram, to: directory) { kept.append($0) }
    #expect(kept == [edited] && second.count == first.count - 1 && second.contains(unchanged))
    #expect(try String(contentsOf: edited, encoding: .utf8) == "# mine\n")
}

@Test("every written default spec reads back to the same values and decodes into its typed struct",
      arguments: allSpecs.map { "\($0.0.rawValue) \($0.1.rawValue)" })
func defaultSpecsRoundTrip(name: String) throws {
    let parts = name.split(separator: " ").map(String.init)
    let task = try #require(TaskName(rawValue: parts[0])), subtask = try #require(Subtask(rawValue: parts[1]))
    let schema = try #require(DefaultSpecs.schema(task, subtask))
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tao-specs-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try SpecDownloader.write(task, to: directory)
    let text = try String(contentsOf: directory.appendingPathComponent(DefaultSpecs.fileName(subtask)), encoding: .utf8)
    let fromFile = try ResolvedSpec.load(schema: schema, yaml: text, name: "written", requireAll: false)
    let fromDefaults = try ResolvedSpec.load(schema: schema, yaml: "", name: "defaults", requireAll: false)
    #expect(fromFile.value == fromDefaults.value)
    // Every key is written with a comment above it.
    let keyLines = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
    let lines = text.split(separator: "\n").map(String.init)
    for (index, line) in lines.enumerated() where keyLines.contains(Substring(line)) && index > 0 && !line.contains("- ") {
        let isFirstItemKey = lines[index - 1].trimmingCharacters(in: .whitespaces).hasPrefix("#")
        let isLaterItemKey = line.hasPrefix("        ")  // keys of later encoder blocks are not repeated with comments
        #expect(isFirstItemKey || isLaterItemKey, "no comment above '\(line)'")
    }
    let filled = try ResolvedSpec.load(schema: schema, yaml: text, name: "written", overrides: fillRequired(schema))
    _ = try TypedSpecs.decode(filled, task: task, subtask: subtask)
}

@Test("an unknown key names its full path, its line and the nearest valid key")
func unknownKeyIsReported() throws {
    let yaml = "model:\n  preprocesor:\n    features: 80\n"
    #expect {
        try load(yaml)
    } throws: { error in
        let text = "\(error)"
        return text.contains("spec.yaml:2:3") && text.contains("unknown key 'model.preprocesor'")
            && text.contains("did you mean 'model.preprocessor'")
    }
}

@Test("a key put in the wrong block is pointed to where it belongs")
func misplacedKeySuggestsItsPath() throws {
    do {
        _ = try load("model:\n  batch_size: 4\n")
        Issue.record("no error")
    } catch let error as SpecError {
        #expect(error.all.contains { if case .unknownKey(_, "model.batch_size", "training_ds.batch_size") = $0 { true } else { false } })
    }
}

@Test("a wrong type names the path, the value and the expected type")
func wrongTypeIsReported() throws {
    do {
        _ = try load("trainer:\n  max_epochs: ten\n", overrides: fillRequired(try #require(DefaultSpecs.schema(.speechToText, .train))))
        Issue.record("no error")
    } catch let error as SpecError {
        let text = error.description
        #expect(text.contains("spec.yaml:2:15") && text.contains("'trainer.max_epochs'") && text.contains("'ten'") && text.contains("an integer"))
    }
}

@Test("a number outside its key's range names the path, the value and the range, from a file line or an override")
func outOfRangeIsReported() throws {
    let required = fillRequired(try #require(DefaultSpecs.schema(.speechToText, .train)))
    func message(_ yaml: String, _ overrides: [String] = []) -> String {
        do {
            _ = try load(yaml, overrides: required + overrides)
            return "no error"
        } catch {
            return "\(error)"
        }
    }
    #expect(message("trainer:\n  max_epochs: 0\n").contains("spec.yaml:2:15: 'trainer.max_epochs': '0' is not -1 or an integer of at least 1"))
    #expect(message("", ["optim.lr=-0.1"]).contains("override 'optim.lr=-0.1': 'optim.lr': '-0.1' is not a number above 0"))
    #expect(message("", ["optim.lr=nan"]).contains("'optim.lr': 'nan' is not a number"))
    #expect(message("", ["training_ds.batch_size=0"]).contains("'training_ds.batch_size': '0' is not an integer of at least 1"))
    #expect(message("", ["model.spec_augment.time_width=inf"]).contains("'model.spec_augment.time_width': 'inf' is not a number"))
    // Each number of a list is checked, and named by its index.
    #expect(message("", ["optim.betas=[0.9, 1.5]"]).contains("'optim.betas.1': '1.5' is not a number in [0, 1)"))
    #expect(message("", ["trainer.val_check_interval=0.5"]).contains("'trainer.val_check_interval': '0.5' is not a number equal to 1"))
    // Several problems are reported together.
    let both = message("trainer:\n  log_every_n_steps: 0\n", ["model.preprocessor.features=-4"])
    #expect(both.contains("'trainer.log_every_n_steps'") && both.contains("'model.preprocessor.features'"), "\(both)")
    // The sentinels and the ends of closed ranges are accepted.
    #expect(message("", ["trainer.max_steps=-1", "optim.sched.warmup_ratio=1", "model.preprocessor.dither=0", "trainer.max_epochs=-1"])
            == "no error")
}

@Test("the trainer's limits become epochs and steps: a resumed run past max_epochs has none left; accumulation groups batches")
func trainerSchedule() throws {
    let spec = try load("", overrides: fillRequired(try #require(DefaultSpecs.schema(.speechToText, .train)))
                        + ["trainer.max_epochs=3", "trainer.accumulate_grad_batches=4"])
    var trainer = try spec.decode(TrainerSpec.self, at: "trainer")
    #expect(trainer.remainingEpochs(after: 1) == 1..<3)
    #expect(trainer.remainingEpochs(after: 5).isEmpty)
    #expect(trainer.stepsPerEpoch(batches: 10) == 3)
    #expect(trainer.stepGroups(Array(0..<10)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    #expect(try trainer.plannedSteps(stepsPerEpoch: 3) == 9)
    #expect(trainer.nothingLeft(epochsDone: 1, stepsDone: 3, plannedSteps: 9) == nil)
    #expect(trainer.nothingLeft(epochsDone: 3, stepsDone: 9, plannedSteps: 9)?.contains("give a new -r to start afresh") == true)
    trainer.maxEpochs = -1
    #expect(trainer.remainingEpochs(after: 2).upperBound == Int.max)
    #expect { try trainer.plannedSteps(stepsPerEpoch: 3) } throws: { "\($0)".contains("needs trainer.max_steps") }
    trainer.maxSteps = 20
    #expect(try trainer.plannedSteps(stepsPerEpoch: 3) == 20)
}

@Test("YAML aliases nested in aliases (a billion laughs) stop at a limit instead of expanding without end; one alias is fine")
func aliasExpansionIsBounded() throws {
    var yaml = "x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
    for level in 1..<12 { yaml += "x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]\n" }
    #expect { try load(yaml) } throws: { "\($0)".contains("spec.yaml") && "\($0)".contains("expands to more than 100000 values") }
    let reused = "optim:\n  betas: &b [0.9, 0.98]\nmodel:\n  optim_betas_copy: *b\n"
    #expect { try load(reused) } throws: { "\($0)".contains("unknown key 'model.optim_betas_copy'") }
}

@Test("a choice outside its names lists them and suggests the nearest")
func wrongChoiceIsReported() throws {
    #expect { try load("model:\n  preprocessor:\n    window: han\n") } throws: { error in
        "\(error)".contains("one of hann, hamming") && "\(error)".contains("did you mean 'hann'")
    }
}

@Test("a missing mandatory value (??? in the defaults) names its path")
func missingValueIsReported() throws {
    do {
        _ = try load("")
        Issue.record("no error")
    } catch let error as SpecError {
        #expect(error.all.contains(.missingValue(path: "training_ds.manifest_filepath")))
        #expect(error.all.contains(.missingValue(path: "validation_ds.manifest_filepath")))
    }
}

@Test("a YAML syntax error gives the file, line and column")
func syntaxErrorIsLocated() throws {
    do {
        _ = try load("trainer:\n  max_epochs: 3\n   seed: [1, 2\n")
        Issue.record("no error")
    } catch let SpecError.syntax(path, line, column, _) {
        #expect(path == "spec.yaml")
        #expect(line == 3)
        #expect(column > 0)
    }
}

@Test("overrides accept numbers, booleans, null, plain and quoted strings and lists, with the file's checks")
func overridesAreTyped() throws {
    let required = fillRequired(try #require(DefaultSpecs.schema(.speechToText, .train)))
    let spec = try load("", overrides: required + [
        "trainer.max_epochs=7", "optim.lr=1e-3", "model.preprocessor.log=false", "model.preprocessor.preemph=null",
        "save_to='my model.tao'", "optim.betas=[0.9, 0.98]", "model.labels=[a, b, ' ']", "training_ds.shuffle=no",
        "model.preprocessor.window=hamming",
    ])
    #expect(spec["trainer.max_epochs"] == .int(7))
    #expect(spec["optim.lr"] == .float(0.001))
    #expect(spec["model.preprocessor.log"] == .bool(false))
    #expect(spec["model.preprocessor.preemph"] == .null)
    #expect(spec["save_to"] == .string("my model.tao"))
    #expect(spec["optim.betas"] == .list([.float(0.9), .float(0.98)]))
    #expect(spec["model.decoder.vocabulary"] == .list([.string("a"), .string("b"), .string(" ")]))
    #expect(spec["training_ds.shuffle"] == .bool(false))
    let typed = try spec.decode(SpeechTrainSpec<CharacterModelSpec>.self)
    #expect(typed.trainer.maxEpochs == 7)
    #expect(typed.model.preprocessor.window == "hamming")
    #expect { try load("", overrides: required + ["trainer.max_epochs=ten"]) } throws: { error in
        "\(error)".contains("override 'trainer.max_epochs=ten'") && "\(error)".contains("an integer")
    }
    #expect { try load("", overrides: required + ["model.preprocesor.features=80"]) } throws: { error in
        "\(error)".contains("did you mean 'model.preprocessor'")
    }
    #expect { try load("", overrides: required + ["trainer.max_epochs"]) } throws: { error in "\(error)".contains("no '='") }
}

@Test("an override can change one encoder block by index")
func overrideListItem() throws {
    let required = fillRequired(try #require(DefaultSpecs.schema(.speechToText, .train)))
    let spec = try load("", overrides: required + ["model.encoder.jasper.0.filters=128"])
    #expect(spec["model.encoder.jasper.0.filters"] == .int(128))
    #expect(spec["model.encoder.jasper.1.filters"] == .int(256))
}

@Test("NeMo's layout (model.train_ds, model.optim) decodes like TAO's top-level blocks")
func nemoLayoutIsAccepted() throws {
    let nemo = """
    model:
      train_ds:
        manifest_filepath: train.json
        batch_size: 4
      validation_ds:
        manifest_filepath: dev.json
      optim:
        name: adam
        lr: 0.002
    """
    let tao = """
    model: {}
    training_ds: {manifest_filepath: train.json, batch_size: 4}
    validation_ds: {manifest_filepath: dev.json}
    optim: {name: adam, lr: 0.002}
    """
    #expect(try load(nemo).value == (try load(tao).value))
    #expect(try load(nemo)["training_ds.batch_size"] == .int(4))
}

@Test("${a.b} interpolation takes the referenced value, whole or inside a string")
func interpolationResolves() throws {
    let spec = try load("""
    model:
      sample_rate: 8000
    training_ds:
      manifest_filepath: data/${model.sample_rate}/train.json
    validation_ds:
      manifest_filepath: ${training_ds.manifest_filepath}
    """)
    #expect(spec["model.preprocessor.sample_rate"] == .int(8000))
    #expect(spec["training_ds.sample_rate"] == .int(8000))
    #expect(spec["validation_ds.manifest_filepath"] == .string("data/8000/train.json"))
    #expect(spec["model.encoder.feat_in"] == .int(64))
}

@Test("an interpolation cycle is an error naming the keys in the cycle")
func interpolationCycleIsAnError() throws {
    let yaml = """
    training_ds: {manifest_filepath: "${validation_ds.manifest_filepath}"}
    validation_ds: {manifest_filepath: "${training_ds.manifest_filepath}"}
    """
    #expect { try load(yaml) } throws: { error in
        "\(error)".contains("interpolation cycle") && "\(error)".contains("training_ds.manifest_filepath")
    }
    #expect { try load("model: {sample_rate: '${model.nope}'}") } throws: { error in "\(error)".contains("names no key") }
}

@Test("NeMo's _target_ class paths are accepted and ignored")
func targetKeysAreIgnored() throws {
    let spec = try load("model:\n  preprocessor:\n    _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor\n    features: 80\n",
                        overrides: fillRequired(try #require(DefaultSpecs.schema(.speechToText, .train))))
    #expect(spec["model.preprocessor.features"] == .int(80))
}

@Test("a block given a scalar, and a null where null is not allowed, are errors")
func structuralErrors() throws {
    #expect { try load("trainer: 5\n") } throws: { error in "\(error)".contains("'trainer' must be a block") }
    #expect { try load("trainer:\n  max_epochs: null\n") } throws: { error in "\(error)".contains("'null' is not an integer") }
}

@Test("edit distance and suggestions")
func suggestions() {
    #expect(Suggestions.editDistance("kitten", "sitting") == 3)
    #expect(Suggestions.nearest(to: "speech_to_txt", in: TaskName.allCases.map(\.rawValue)) == "speech_to_text")
    #expect(Suggestions.nearest(to: "zzzzzz", in: ["train", "infer"]) == nil)
}

@Test("the architecture train specs (QuartzNet 5x5, Jasper 10x5, Citrinet-384/512/1024) load against the train schema with their own networks")
func architectureSpecsLoad() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tao-arch-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var blockCounts: [String: Int] = [:]
    for task in [TaskName.speechToText, .speechToTextCitrinet] {
        try SpecDownloader.write(task, to: directory.appendingPathComponent(task.rawValue))
        for variant in DefaultSpecs.architectures(task) {
            let text = try String(contentsOf: directory.appendingPathComponent(task.rawValue).appendingPathComponent(variant.fileName), encoding: .utf8)
            let spec = try load(text, task: task, overrides: fillRequired(try #require(DefaultSpecs.schema(task, .train))))
            blockCounts[variant.fileName] = try spec.decode(EncoderSpec.self, at: "model.encoder").jasper.count
        }
    }
    // C1 + 5 B blocks + C2 + C3; C1 + 10 + 2; B0 + 6 + 7 + 8 + final.
    #expect(blockCounts == ["train_quartznet_5x5.yaml": 8, "train_jasper_10x5.yaml": 13, "train_citrinet_384.yaml": 23,
                            "train_citrinet_512.yaml": 23, "train_citrinet_1024.yaml": 23])
}
