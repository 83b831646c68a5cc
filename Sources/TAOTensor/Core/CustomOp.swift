extension Tensor {
    /// Records an op computed outside TAOTensor (on raw buffers): `self` is its freshly computed output,
    /// `inputs` the tensors it read, and `backward` maps d(loss)/d(self) to one gradient per input (nil for
    /// none). Nothing is recorded when gradients are off or no input needs them.
    @discardableResult
    public func recordingCustomOp(inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        recording(inputs, backward)
    }
}
