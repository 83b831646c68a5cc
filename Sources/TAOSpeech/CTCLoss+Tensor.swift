import TAOTensor

extension CTCLoss {
    /// The loss of a batch as a scalar tensor whose gradient flows back into `logProbs`
    /// (`[batch, time, vocab]`, the output of a log-softmax).
    public func callAsFunction(_ logProbs: Tensor, inputLengths: [Int], targets: [[Int]]) -> (loss: Tensor, output: Output) {
        precondition(logProbs.rank == 3, "CTC needs [batch, time, vocab] log-probabilities, got \(logProbs.shape)")
        let (batch, time, vocab) = (logProbs.shape[0], logProbs.shape[1], logProbs.shape[2])
        let values = logProbs.contiguous()
        let output = self(logProbs: UnsafeBufferPointer(start: values.pointer, count: values.count), batch: batch,
                          time: time, vocab: vocab, inputLengths: inputLengths, targets: targets, gradient: GradMode.enabled)
        let loss = Tensor(scalar: Float(output.loss))
        guard let gradient = output.gradient else { return (loss, output) }
        let shape = logProbs.shape
        loss.recordingCustomOp(inputs: [logProbs]) { upstream in
            let scale = upstream.scalars[0]
            return [Tensor(gradient.map { $0 * scale }, shape: shape)]
        }
        return (loss, output)
    }
}
