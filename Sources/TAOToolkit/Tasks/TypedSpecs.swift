/// Which typed struct each task and subtask's spec decodes into.
public enum TypedSpecs {
    /// Decodes a checked spec into the struct its task and subtask use.
    public static func decode(_ spec: ResolvedSpec, task: TaskName, subtask: Subtask) throws -> any Sendable {
        switch (task, subtask) {
        case (_, .downloadSpecs): return spec.value
        case (.speechToText, .train): return try spec.decode(SpeechTrainSpec<CharacterModelSpec>.self)
        case (.speechToTextCitrinet, .train): return try spec.decode(SpeechTrainSpec<SubwordModelSpec>.self)
        case (.speechToText, .finetune), (.speechToTextCitrinet, .finetune): return try spec.decode(SpeechFinetuneSpec.self)
        case (.speechToText, .evaluate), (.speechToTextCitrinet, .evaluate): return try spec.decode(SpeechEvaluateSpec.self)
        case (.speechToText, .infer), (.speechToTextCitrinet, .infer): return try spec.decode(SpeechInferSpec.self)
        case (.speechToTextCitrinet, .createTokenizer): return try spec.decode(CreateTokenizerSpec.self)
        case (.nGram, .train): return try spec.decode(NGramTrainSpec.self)
        case (.nGram, .evaluate): return try spec.decode(NGramEvaluateSpec.self)
        case (.nGram, .datasetConvert): return try spec.decode(NGramDatasetConvertSpec.self)
        case (_, .infer): return try spec.decode(TextQueriesSpec.self)
        case (_, .export): return try spec.decode(ExportSpec.self)
        case (_, .datasetConvert): return try spec.decode(DatasetConvertSpec.self)
        case (.textClassification, .train): return try spec.decode(TextTrainSpec<TextClassificationModelSpec, PrefixDatasetSpec>.self)
        case (.intentSlotClassification, .train): return try spec.decode(TextTrainSpec<IntentSlotModelSpec, PrefixDatasetSpec>.self)
        case (.tokenClassification, .train): return try spec.decode(TextTrainSpec<TokenClassificationModelSpec, TextFileDatasetSpec>.self)
        case (.punctuationAndCapitalization, .train):
            return try spec.decode(TextTrainSpec<PunctuationCapitalizationModelSpec, TextFileDatasetSpec>.self)
        case (.textClassification, .finetune), (.intentSlotClassification, .finetune): return try spec.decode(TextFinetuneSpec<PrefixDatasetSpec>.self)
        case (_, .finetune): return try spec.decode(TextFinetuneSpec<TextFileDatasetSpec>.self)
        case (.textClassification, .evaluate), (.intentSlotClassification, .evaluate): return try spec.decode(TextEvaluateSpec<PrefixDatasetSpec>.self)
        case (_, .evaluate): return try spec.decode(TextEvaluateSpec<TextFileDatasetSpec>.self)
        case (_, .train), (_, .createTokenizer):
            throw SpecError.invalid(path: "", reason: "\(task.rawValue) has no \(subtask.rawValue) spec")
        }
    }
}
