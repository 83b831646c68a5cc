import Foundation
import Testing
import TAOTensor
import TAONLP

/// A small random encoder without dropout (deterministic), for gradient checks and overfitting.
private func smallEncoder(vocabulary: Int = 40, hidden: Int = 32, layers: Int = 2, heads: Int = 4, seed: UInt64 = 1) -> BertModel {
    var rng = RandomGenerator(seed: seed)
    return BertModel(config: BertConfig(vocabSize: vocabulary, hiddenSize: hidden, numHiddenLayers: layers, numAttentionHeads: heads,
                                        intermediateSize: 2 * hidden, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0,
                                        maxPositionEmbeddings: 16),
                     pooler: false, rng: &rng)
}

private let noDropout = HeadConfig(layers: 2, dropout: 0)

/// Six sentences of random ids between `[CLS]` (2) and `[SEP]` (3), padded with 0, with a sentence label
/// `row % 3`, a token label per piece (`id % 4` on even positions, ignored elsewhere) and a second token label
/// (`id % 2`).
private func toyBatch() -> TextBatch {
    var rng = RandomGenerator(seed: 7)
    let (rows, length) = (6, 8)
    var ids: [Int] = [], labels: [Int] = [], second: [Int] = [], lengths: [Int] = []
    for row in 0..<rows {
        let count = 5 + row % 4
        lengths.append(count)
        for position in 0..<length {
            let id = position == 0 ? 2 : position == count - 1 ? 3 : position < count ? 5 + Int(rng.next() % 35) : 0
            ids.append(id)
            let real = position > 0 && position < count - 1
            labels.append(real && position % 2 == 1 ? id % 4 : TextBatch.ignoreIndex)
            second.append(real ? id % 2 : TextBatch.ignoreIndex)
        }
    }
    return TextBatch(batchSize: rows, length: length, tokenIDs: ids, typeIDs: [Int](repeating: 0, count: rows * length),
                     lengths: lengths, sequenceLabels: (0..<rows).map { $0 % 3 }, tokenLabels: [labels, second],
                     wordStarts: lengths.map { Array(1..<($0 - 1)) })
}

@Test("NeMo parameter names: bert_model.*, classifier.mlp.layer0/layer2, intent_mlp/slot_mlp, punct/capit classifiers")
func taskParameterNames() throws {
    var rng = RandomGenerator(seed: 1)
    let classification = try TextClassificationModel(encoder: smallEncoder(), classes: 3, rng: &rng)
    let names = classification.namedParameters().map(\.0)
    #expect(names.contains("bert_model.embeddings.word_embeddings.weight"))
    #expect(names.contains("classifier.mlp.layer0.weight") && names.contains("classifier.mlp.layer2.bias"))
    let joint = try IntentSlotClassificationModel(encoder: smallEncoder(), intents: 3, slots: 4, rng: &rng).namedParameters().map(\.0)
    #expect(joint.contains("classifier.intent_mlp.layer2.weight") && joint.contains("classifier.slot_mlp.layer0.bias"))
    let punctuation = try PunctuationCapitalizationModel(encoder: smallEncoder(), punctuationClasses: 4, capitalizationClasses: 2, rng: &rng)
    #expect(punctuation.namedParameters().map(\.0).filter { !$0.hasPrefix("bert_model.") }
            == ["punct_classifier.mlp.layer0.weight", "punct_classifier.mlp.layer0.bias",
                "capit_classifier.mlp.layer0.weight", "capit_classifier.mlp.layer0.bias"])
    #expect(throws: BertError.self) { try TextClassificationModel(encoder: smallEncoder(), classes: 3, classWeights: [1, 2], rng: &rng) }
    #expect(throws: BertError.self) {
        try IntentSlotClassificationModel(encoder: smallEncoder(), intents: 3, slots: 4, intentLossWeight: 1.5, rng: &rng)
    }
}

@Test("intent + slot loss gradients (through heads, attention, LayerNorm, embeddings) match finite differences")
func jointLossGradient() throws {
    var rng = RandomGenerator(seed: 2)
    let model = try IntentSlotClassificationModel(encoder: smallEncoder(vocabulary: 40, hidden: 8, layers: 1, heads: 2), intents: 3,
                                                  slots: 4, head: noDropout, intentLossWeight: 0.6,
                                                  slotWeights: [1, 2, 0.5, 1], rng: &rng)
    let batch = toyBatch()
    // Move LayerNorm and biases off their trivial initial values so every term of the gradient matters.
    for (_, parameter) in model.namedParameters() {
        for i in 0..<parameter.count { parameter.pointer[i] += 0.3 * rng.nextNormal() }
    }
    model.zeroGrad()
    model.setTraining(false)
    model.loss(batch).backward()
    let checked = ["bert_model.encoder.layer.0.attention.self.query.weight", "bert_model.encoder.layer.0.attention.self.value.bias",
                   "bert_model.encoder.layer.0.attention.output.LayerNorm.weight", "bert_model.encoder.layer.0.intermediate.dense.bias",
                   "bert_model.embeddings.LayerNorm.bias", "bert_model.embeddings.position_embeddings.weight",
                   "classifier.intent_mlp.layer0.weight", "classifier.slot_mlp.layer2.bias"]
    let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters())
    func loss() -> Double { Double(withNoGrad { model.loss(batch).item }) }
    let step: Float = 1e-2
    for name in checked {
        let parameter = try #require(parameters[name])
        let analytic = try #require(parameter.grad).scalars
        for element in stride(from: 0, to: parameter.count, by: max(1, parameter.count / 24)) {
            let saved = parameter.pointer[element]
            parameter.pointer[element] = saved + step
            let plus = loss()
            parameter.pointer[element] = saved - step
            let minus = loss()
            parameter.pointer[element] = saved
            let numeric = (plus - minus) / (2 * Double(step))
            #expect(abs(Double(analytic[element]) - numeric) <= 2e-3 + 2e-2 * abs(numeric), "\(name)[\(element)]")
        }
    }
}

/// Trains `model` on the toy batch and returns the evaluation loss before and after.
private func overfit(_ model: any TextTaskModel, steps: Int = 60, learningRate: Float = 3e-3) -> (before: Float, after: Float) {
    let batch = toyBatch()
    func evaluationLoss() -> Float {
        model.setTraining(false)
        return withNoGrad { model.loss(batch).item }
    }
    let before = evaluationLoss()
    let optimizer = Adam(parameters: model.parameters, learningRate: learningRate)
    for _ in 0..<steps { model.trainingStep(batch, optimizer: optimizer, maxGradientNorm: 1) }
    return (before, evaluationLoss())
}

/// Whether the prediction of token head `head` equals every labelled position of `labels`.
private func tokenPredictionsRight(_ prediction: TextPrediction, head: Int, labels: [Int], length: Int) -> Bool {
    let predicted = prediction.tokenLabels(head: head).flatMap { $0 }
    return zip(predicted, labels).allSatisfy { $1 == TextBatch.ignoreIndex || $0 == $1 }
}

/// Rows `rows` of `batch`, at the same padded length.
private func slice(_ batch: TextBatch, _ rows: Range<Int>) -> TextBatch {
    func cut(_ values: [Int]) -> [Int] { Array(values[(rows.lowerBound * batch.length)..<(rows.upperBound * batch.length)]) }
    return TextBatch(batchSize: rows.count, length: batch.length, tokenIDs: cut(batch.tokenIDs), typeIDs: cut(batch.typeIDs),
                     lengths: Array(batch.lengths[rows]), sequenceLabels: Array(batch.sequenceLabels[rows]),
                     tokenLabels: batch.tokenLabels.map(cut), wordStarts: Array(batch.wordStarts[rows]))
}

@Test("accumulate_grad_batches: one step over two half batches moves the weights as one step over the whole batch")
func accumulatedStepMatchesWholeBatch() throws {
    let whole = toyBatch()
    let halves = [slice(whole, 0..<3), slice(whole, 3..<6)]
    func stepped(_ step: (TextClassificationModel, SGD) -> Float) throws -> (loss: Float, weights: [Float]) {
        var rng = RandomGenerator(seed: 5)
        let model = try TextClassificationModel(encoder: smallEncoder(), classes: 3, head: noDropout, rng: &rng)
        let loss = step(model, SGD(parameters: model.parameters, learningRate: 0.5))
        return (loss, model.parameters.flatMap(\.scalars))
    }
    let reference = try stepped { model, optimizer in model.trainingStep(whole, optimizer: optimizer) }
    let accumulated = try stepped { model, optimizer in model.trainingStep(accumulating: halves, optimizer: optimizer) }
    let firstHalfOnly = try stepped { model, optimizer in model.trainingStep(halves[0], optimizer: optimizer) }
    #expect(abs(accumulated.loss - reference.loss) < 1e-5, "loss \(accumulated.loss) vs \(reference.loss)")
    let gap = zip(accumulated.weights, reference.weights).map { abs($0 - $1) }.max() ?? 0
    let moved = zip(firstHalfOnly.weights, reference.weights).map { abs($0 - $1) }.max() ?? 0
    // Measured: a gap of about 4e-9 against 1.3e-4 for the half batch alone.
    #expect(gap < 1e-6, "accumulated step differs from the whole-batch step by \(gap)")
    #expect(moved > 1e-5, "one half alone should step elsewhere (\(moved))")
}

@Test("text classification overfits six sentences: loss falls by over 90%, every class right")
func textClassificationOverfits() throws {
    var rng = RandomGenerator(seed: 3)
    let model = try TextClassificationModel(encoder: smallEncoder(), classes: 3, head: noDropout, rng: &rng)
    let (before, after) = overfit(model)
    #expect(after < 0.1 * before, "loss \(before) -> \(after)")
    let prediction = model.predict(toyBatch())
    #expect(prediction.sequenceLabels == toyBatch().sequenceLabels)
    #expect(prediction.sequenceProbabilities.allSatisfy { abs($0.reduce(0, +) - 1) < 1e-5 })
}

@Test("token classification overfits: loss falls by over 90%, every labelled piece right")
func tokenClassificationOverfits() throws {
    var rng = RandomGenerator(seed: 4)
    let model = try TokenClassificationModel(encoder: smallEncoder(), classes: 4, head: HeadConfig(layers: 1, dropout: 0.1), rng: &rng)
    let (before, after) = overfit(model)
    #expect(after < 0.1 * before, "loss \(before) -> \(after)")
    let batch = toyBatch()
    #expect(tokenPredictionsRight(model.predict(batch), head: 0, labels: batch.tokenLabels[0], length: batch.length))
}

@Test("intent and slot classification overfits: loss falls by over 90%, intents and slots right")
func intentSlotOverfits() throws {
    var rng = RandomGenerator(seed: 5)
    let model = try IntentSlotClassificationModel(encoder: smallEncoder(), intents: 3, slots: 4, head: noDropout, rng: &rng)
    let (before, after) = overfit(model)
    #expect(after < 0.1 * before, "loss \(before) -> \(after)")
    let batch = toyBatch()
    let prediction = model.predict(batch)
    #expect(prediction.sequenceLabels == batch.sequenceLabels)
    #expect(tokenPredictionsRight(prediction, head: 0, labels: batch.tokenLabels[0], length: batch.length))
    let words = prediction.wordLabels(head: 0, row: 1, wordStarts: batch.wordStarts[1])
    #expect(words.count == batch.wordStarts[1].count && words.allSatisfy { $0.probability > 0.5 })
}

@Test("punctuation and capitalization overfits: summed loss falls by over 90%, both heads right")
func punctuationCapitalizationOverfits() throws {
    var rng = RandomGenerator(seed: 6)
    let model = try PunctuationCapitalizationModel(encoder: smallEncoder(), punctuationClasses: 4, capitalizationClasses: 2,
                                                   rng: &rng)
    let (before, after) = overfit(model)
    #expect(after < 0.1 * before, "loss \(before) -> \(after)")
    let batch = toyBatch()
    let prediction = model.predict(batch)
    #expect(tokenPredictionsRight(prediction, head: 0, labels: batch.tokenLabels[0], length: batch.length))
    #expect(tokenPredictionsRight(prediction, head: 1, labels: batch.tokenLabels[1], length: batch.length))
}

@Test("a task model's weights saved under NeMo names load back into a fresh model (float32 and float16)")
func taskModelSavesAndLoads() throws {
    var rng = RandomGenerator(seed: 8)
    let model = try IntentSlotClassificationModel(encoder: smallEncoder(seed: 2), intents: 3, slots: 4, rng: &rng)
    let batch = toyBatch()
    let expected = model.predict(batch)
    for half in [false, true] {
        let path = temporaryPath("task-\(half)") + ".safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafetensorsFile.write(model.stateTensors(), storage: half ? .float16 : .float32, to: URL(fileURLWithPath: path))
        let fresh = try IntentSlotClassificationModel(encoder: smallEncoder(seed: 3), intents: 3, slots: 4, rng: &rng)
        try BertCheckpoint.load(from: path, into: fresh)
        let loaded = fresh.predict(batch)
        if half {
            #expect(loaded.sequenceLabels == expected.sequenceLabels)
        } else {
            #expect(loaded == expected)
        }
    }
}
