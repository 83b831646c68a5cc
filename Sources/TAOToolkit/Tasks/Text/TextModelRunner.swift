import Foundation
import TAONLP
import TAOText

/// A trained text model (a `.tao` from any of the four text tasks) opened for inference, as `tao serve` and Swift
/// apps use it: class labels for texts, labels for words (with character offsets), intents with slots, punctuation.
/// Not thread-safe: call it from one thread at a time.
public final class TextModelRunner: @unchecked Sendable {
    /// The task that trained the model.
    public let task: TaskName
    /// Label names of the sequence head (text classes, intents), empty without one.
    public let sequenceLabels: [String]
    /// Label names of each token head.
    public let tokenLabels: [[String]]

    /// A word of a text with its best labels (highest probability first) and where it is in the text.
    public struct WordLabels: Sendable, Equatable {
        public var word: String
        /// Character offsets (Unicode scalars) of the word in the text.
        public var range: Range<Int>
        public var labels: [(name: String, probability: Double)]

        public static func == (a: WordLabels, b: WordLabels) -> Bool {
            a.word == b.word && a.range == b.range && a.labels.elementsEqual(b.labels) { $0.name == $1.name && $0.probability == $1.probability }
        }
    }

    private let file: TextModelFile
    private let encoder: TextEncoder

    /// Opens a text model (encrypted with `key` when it needs one).
    public init(url: URL, key: String? = nil) throws {
        file = try TextModelFile.load(url, key: key, expected: nil)
        task = file.task
        encoder = try file.settings.textEncoder(task, tokenizer: file.tokenizer, config: file.model.bertModel.config)
        sequenceLabels = file.labels.sequence?.labels ?? []
        tokenLabels = file.labels.tokens.map(\.labels)
    }

    /// Whether a `.tao` file is a text model (without loading its weights).
    public static func isTextModel(_ url: URL, key: String? = nil) -> Bool {
        (try? ModelArchive.read(from: url, key: key))?[TextModelFile.descriptionMember] != nil
    }

    /// Per text, the sequence head's `top` best labels (text classification, intents).
    public func classify(_ texts: [String], top: Int = 1) throws -> [[(name: String, probability: Double)]] {
        let predictions = try predict(texts.map(Self.words))
        return predictions.sequenceDistributions.map { best($0, names: sequenceLabels, top: top) }
    }

    /// Per text, each word with the first token head's `top` best labels (entity tags, slots, punctuation).
    public func tag(_ texts: [String], top: Int = 1) throws -> [[WordLabels]] {
        let words = texts.map(Self.words)
        return tag(texts, words: words, predictions: try predict(words), top: top)
    }

    private func tag(_ texts: [String], words: [[String]], predictions: TextPredictions, top: Int) -> [[WordLabels]] {
        guard let names = tokenLabels.first, let decoded = predictions.tokens.first else { return texts.map { _ in [] } }
        return texts.indices.map { index in
            let words = zip(words[index], Self.offsets(of: words[index], in: texts[index]))
            return zip(words, zip(predictions.tokenDistributions[0][index], decoded[index])).map { word, prediction in
                let (distribution, chosen) = prediction
                // The decoded label first (for IOB2 tags, the best valid sequence's), then the next most probable.
                let others = best(distribution, names: names, top: top + 1).filter { $0.name != name(chosen.label, in: names) }
                let labels = [(name(chosen.label, in: names), Double(chosen.probability))] + others.prefix(max(top, 1) - 1)
                return WordLabels(word: word.0, range: word.1, labels: labels)
            }
        }
    }

    private func name(_ label: Int, in names: [String]) -> String { names.indices.contains(label) ? names[label] : "?" }

    /// An utterance's intent with its probability, and the words its slots tag (labels other than `O`).
    public typealias IntentAndSlots = (intent: (name: String, probability: Double), slots: [WordLabels])

    /// The intent of `text` with its probability, and the words its slots tag (labels other than `O`).
    public func analyzeIntent(_ text: String) throws -> IntentAndSlots {
        try analyzeIntents([text])[0]
    }

    /// Per text, its intent and slots as `analyzeIntent` gives them, from one pass over all the texts.
    public func analyzeIntents(_ texts: [String]) throws -> [IntentAndSlots] {
        guard task == .intentSlotClassification else {
            throw TaskError.wrongModelKind(path: file.url.path, found: task.rawValue, expected: TaskName.intentSlotClassification.rawValue)
        }
        let words = texts.map(Self.words)
        let predictions = try predict(words)
        let tagged = tag(texts, words: words, predictions: predictions, top: 1)
        return texts.indices.map { index in
            let intent = best(predictions.sequenceDistributions[index], names: sequenceLabels, top: 1).first ?? ("", 0)
            return (intent, tagged[index].filter { $0.labels.first?.name != "O" })
        }
    }

    /// Each text with punctuation and capitals restored (a punctuation_and_capitalization model).
    public func punctuate(_ texts: [String]) throws -> [String] {
        guard task == .punctuationAndCapitalization, file.labels.tokens.count == 2 else {
            throw TaskError.wrongModelKind(path: file.url.path, found: task.rawValue, expected: TaskName.punctuationAndCapitalization.rawValue)
        }
        let words = texts.map(PunctuationCapitalizationData.queryWords)
        let tokens = try predict(words).tokens
        return texts.indices.map { index in
            zip(words[index], zip(tokens[0][index], tokens[1][index])).map { word, heads in
                let label = PunctuationCapitalizationData.label(punctuation: heads.0.label, capitalization: heads.1.label) ?? .none
                let cased = label.capitalized ? word.prefix(1).uppercased() + word.dropFirst() : word
                return label.punctuation == "O" ? cased : cased + String(label.punctuation)
            }.joined(separator: " ")
        }
    }

    private func predict(_ words: [[String]]) throws -> TextPredictions {
        try TextPredictions.predict(file.model, texts: words.map { LabelledText(words: $0) }, encoder: encoder, tokenLabels: file.labels.tokens,
                                    segmenting: task == .punctuationAndCapitalization, batchSize: 32)
    }

    private func best(_ distribution: [Float], names: [String], top: Int) -> [(name: String, probability: Double)] {
        distribution.indices.sorted { distribution[$0] > distribution[$1] }.prefix(max(top, 1))
            .map { (name($0, in: names), Double(distribution[$0])) }
    }

    private static func words(_ text: String) -> [String] { DataFile.words(text) }

    /// Unicode-scalar offsets of each whitespace-separated word in `text`.
    private static func offsets(of words: [String], in text: String) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var position = 0
        var scalars = Array(text.unicodeScalars)[...]
        for word in words {
            let length = word.unicodeScalars.count
            while let first = scalars.first, first.properties.isWhitespace { scalars = scalars.dropFirst(); position += 1 }
            ranges.append(position..<(position + length))
            scalars = scalars.dropFirst(length)
            position += length
        }
        return ranges
    }
}
