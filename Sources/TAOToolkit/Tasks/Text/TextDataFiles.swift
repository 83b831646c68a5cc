import Foundation
import TAONLP

/// A dataset block of a text task's spec: files in `data_dir`, batch size, shuffling, a cap on examples.
protocol TextDatasetSpec {
    var batchSize: Int { get }
    var shuffle: Bool { get }
    /// Examples to use; -1 for all.
    var numSamples: Int { get }
    /// Leave out a last batch smaller than batch_size (training).
    var dropLast: Bool { get }
    /// The data file (and labels file) names inside data_dir, for messages and reading.
    var files: [String] { get }
}

extension PrefixDatasetSpec: TextDatasetSpec {
    var files: [String] { [prefix + ".tsv", prefix + "_slots.tsv"] }
}

extension TextFileDatasetSpec: TextDatasetSpec {
    var dropLast: Bool { false }
    var files: [String] { [textFile, labelsFile] }
}

/// Reads a split of a text task's data (DESIGN.md 5.2) from `data_dir`, checked against the label sets a model
/// already has (finetune, evaluate) or building them (train).
enum TextDataFiles {
    static func read(_ task: TaskName, dataDir: String, dataset: any TextDatasetSpec, settings: TextModelSettings,
                     labels known: TextLabels?) throws -> TextDataset {
        func path(_ file: String) -> String { file.hasPrefix("/") ? file : (dataDir as NSString).appendingPathComponent(file) }
        var result: TextDataset
        switch task {
        case .textClassification:
            let classes = known?.sequence?.count ?? settings.classCount
            let data = try TextClassificationData.read(path(dataset.files[0]), classCount: classes)
            let names: LabelVocabulary
            if let sequence = known?.sequence {
                names = sequence
            } else if let file = settings.labelFiles.first {
                names = try LabelVocabulary.read(path(file))
                guard names.count == data.classCount else {
                    throw SpecError.invalid(path: "model.class_labels.class_labels_file",
                                            reason: "\(path(file)) names \(names.count) classes, but model.dataset.num_classes is "
                                                + "\(data.classCount) (give one name per class, line i naming label i)")
                }
            } else {
                names = try LabelVocabulary(labels: (0..<data.classCount).map(String.init), path: path(dataset.files[0]))
            }
            result = TextDataset(texts: data.examples, labels: TextLabels(sequence: names, tokens: []))
        case .intentSlotClassification:
            let intents = try known?.sequence ?? LabelVocabulary.read(path(settings.labelFiles[0]))
            let slots = try known?.tokens.first ?? LabelVocabulary.read(path(settings.labelFiles[1]))
            let data = try IntentSlotData.read(dataFile: path(dataset.files[0]), slotsFile: path(dataset.files[1]),
                                               intents: intents, slots: slots)
            result = TextDataset(texts: data.examples, labels: TextLabels(sequence: intents, tokens: [slots]))
        case .tokenClassification:
            var given = known?.tokens.first
            if given == nil, let ids = settings.labelIDs {
                given = try LabelVocabulary(labels: ids.sorted { $0.value < $1.value }.map(\.key), path: "model.label_ids")
            }
            let data = try TokenClassificationData.read(textFile: path(dataset.files[0]), labelsFile: path(dataset.files[1]), labels: given)
            result = TextDataset(texts: data.examples, labels: TextLabels(sequence: nil, tokens: [data.labels]))
        default:
            let data = try PunctuationCapitalizationData.read(textFile: path(dataset.files[0]), labelsFile: path(dataset.files[1]))
            result = TextDataset(texts: data.labelledTexts,
                                 labels: TextLabels(sequence: nil, tokens: [PunctuationCapitalizationData.punctuationLabels,
                                                                            PunctuationCapitalizationData.capitalizationLabels]))
        }
        if dataset.numSamples >= 0 { result.texts = Array(result.texts.prefix(dataset.numSamples)) }
        return result
    }

    /// Class weights per head for `weighted_loss` (inverse class frequency in `data`), else none.
    static func classWeights(_ data: TextDataset, settings: TextModelSettings) -> [[Float]?] {
        guard settings.weightedLoss else { return [] }
        var weights: [[Float]?] = []
        if let sequence = data.labels.sequence { weights.append(ClassWeights.sequenceWeights(data.texts, classCount: sequence.count)) }
        for (head, labels) in data.labels.tokens.enumerated() {
            weights.append(ClassWeights.tokenWeights(data.texts, head: head, classCount: labels.count))
        }
        return weights
    }
}
