import TAOTensor

/// What a task model's heads compute for a batch, before softmax.
public struct TaskLogits {
    /// `[batch, classes]` of the sequence head (text class, intent); nil when the task has none.
    public var sequence: Tensor?
    /// One `[batch, length, classes]` per token head, in the order of `TextBatch.tokenLabels`.
    public var tokens: [Tensor]

    public init(sequence: Tensor?, tokens: [Tensor]) {
        self.sequence = sequence
        self.tokens = tokens
    }
}

/// A BERT encoder with task heads: what the text tasks' train, evaluate and infer loops drive, whatever the task.
///
/// Train: `let loss = model.trainingStep(batch, optimizer: adam)` (or `model.loss(batch)`, `backward()`, `step()`);
/// evaluate and infer: `model.predict(batch)`. Parameters are named as NeMo's (`bert_model.*`, `classifier.*`).
public protocol TextTaskModel: Module {
    /// The shared encoder (NeMo's `bert_model`).
    var bertModel: BertModel { get }
    /// Head outputs for `batch`; records a graph unless called inside `withNoGrad`.
    func logits(_ batch: TextBatch) -> TaskLogits
    /// The training loss of `logits` against `batch`'s labels (positions labelled `TextBatch.ignoreIndex` do not count).
    func loss(_ logits: TaskLogits, _ batch: TextBatch) -> Tensor
}

extension TextTaskModel {
    /// The training loss of `batch` (a scalar tensor to call `backward()` on).
    public func loss(_ batch: TextBatch) -> Tensor { loss(logits(batch), batch) }

    /// One optimization step in training mode (dropout on): forward, loss, backward, optional gradient-norm
    /// clipping, optimizer step. Returns the loss.
    @discardableResult
    public func trainingStep(_ batch: TextBatch, optimizer: any Optimizer, maxGradientNorm: Float? = nil) -> Float {
        trainingStep(accumulating: [batch], optimizer: optimizer, maxGradientNorm: maxGradientNorm)
    }

    /// One optimization step over several batches (`accumulate_grad_batches`): their gradients are summed, each
    /// loss weighted by 1 / `batches.count` as PyTorch Lightning does, before clipping and the step. Returns the
    /// mean of the batches' losses.
    @discardableResult
    public func trainingStep(accumulating batches: [TextBatch], optimizer: any Optimizer, maxGradientNorm: Float? = nil) -> Float {
        precondition(!batches.isEmpty, "trainingStep needs at least one batch")
        setTraining(true)
        optimizer.zeroGrad()
        let weight = 1 / Float(batches.count)
        var total: Float = 0
        for batch in batches {
            let value = loss(batch)
            value.backward(seed: Tensor(repeating: weight, shape: value.shape))
            total += value.item
        }
        if let maxGradientNorm { _ = clipGradientNorm(parameters, maxNorm: maxGradientNorm) }
        optimizer.step()
        return total / Float(batches.count)
    }

    /// Class probabilities of every head in evaluation mode (dropout off), without recording a graph.
    public func predict(_ batch: TextBatch) -> TextPrediction {
        setTraining(false)
        return withNoGrad {
            let outputs = logits(batch)
            return TextPrediction(sequence: outputs.sequence?.softmax(axis: -1), tokens: outputs.tokens.map { $0.softmax(axis: -1) })
        }
    }
}

/// Cross-entropy of token logits `[batch, length, classes]` against per-position labels.
func tokenLoss(_ logits: Tensor, labels: [Int], classWeights: Tensor? = nil) -> Tensor {
    let classes = logits.shape[2]
    precondition(labels.count == logits.shape[0] * logits.shape[1],
                 "token labels: \(labels.count) for logits \(logits.shape) (one per position, TextBatch.ignoreIndex where none)")
    return crossEntropy(logits.reshaped([-1, classes]), targets: IndexTensor(labels), classWeights: classWeights, ignoreIndex: TextBatch.ignoreIndex)
}

/// Cross-entropy of sequence logits `[batch, classes]` against one label per row.
func sequenceLoss(_ logits: Tensor, labels: [Int], classWeights: Tensor? = nil) -> Tensor {
    precondition(labels.count == logits.shape[0], "sequence labels: \(labels.count) for logits \(logits.shape) (one per row)")
    return crossEntropy(logits, targets: IndexTensor(labels), classWeights: classWeights, ignoreIndex: TextBatch.ignoreIndex)
}

/// Class weights as a tensor (nil stays nil), checked against the class count.
func weightTensor(_ weights: [Float]?, classes: Int, name: String) throws -> Tensor? {
    guard let weights else { return nil }
    guard weights.count == classes, weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
        throw BertError.badOption(name: name, value: "\(weights.count) weights", reason: "need \(classes) non-negative class weights")
    }
    return Tensor(weights, shape: [classes])
}
