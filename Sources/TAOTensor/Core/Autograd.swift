/// One recorded operation: the tensors it read and how to turn the gradient of its output into theirs.
final class GradNode {
    /// The op's differentiable inputs, in the order `backward` returns their gradients.
    let inputs: [Tensor]
    /// Maps d(loss)/d(output) to d(loss)/d(input) for each input (nil where an input needs none).
    let backward: (Tensor) -> [Tensor?]

    init(inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
        self.inputs = inputs
        self.backward = backward
    }
}

/// Whether ops record what they do for `backward()`. Scoped per task, never global: use `withNoGrad`.
public enum GradMode {
    @TaskLocal static var isEnabled = true

    /// Runs `body` without recording gradients: no graph is kept, so activations are freed as soon as they
    /// are unused (inference, evaluation, optimizer updates).
    public static func withNoGrad<Result>(_ body: () throws -> Result) rethrows -> Result {
        try $isEnabled.withValue(false, operation: body)
    }

    /// Whether ops currently record gradients.
    public static var enabled: Bool { isEnabled }
}

/// Runs `body` without recording gradients (see `GradMode.withNoGrad`).
public func withNoGrad<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradMode.withNoGrad(body)
}

extension Tensor {
    /// Attaches a gradient rule to the freshly computed `self` when gradients are on and an input needs them.
    /// `backward` receives d(loss)/d(self) and returns one gradient per input (same shapes as the inputs).
    @discardableResult
    func recording(_ inputs: [Tensor], _ backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.needsGrad }) else { return self }
        gradNode = GradNode(inputs: inputs, backward: backward)
        return self
    }

    /// The same values, cut off from the graph: no gradient flows back through the result.
    public func detached() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset)
    }

    /// Back-propagates from this one-element tensor (usually a loss): adds d(self)/d(leaf) to `grad` of every
    /// leaf that requires gradients. Gradients accumulate across calls until cleared; the graph is freed.
    public func backward() {
        precondition(count == 1, "backward() needs a one-element tensor, got shape \(shape)")
        backward(seed: Tensor(repeating: 1, shape: shape))
    }

    /// Back-propagates `seed` = d(loss)/d(self), same shape as `self`.
    public func backward(seed: Tensor) {
        precondition(seed.shape == shape, "seed shape \(seed.shape) differs from tensor shape \(shape)")
        let order = topologicalOrder()
        var pending: [ObjectIdentifier: PendingGradient] = [ObjectIdentifier(self): PendingGradient(seed, owned: false)]
        GradMode.withNoGrad {
            for tensor in order {
                guard let gradient = pending.removeValue(forKey: ObjectIdentifier(tensor))?.tensor else { continue }
                guard let node = tensor.gradNode else {
                    if tensor.requiresGrad { tensor.accumulateGrad(gradient) }
                    continue
                }
                let inputGradients = node.backward(gradient)
                for (input, inputGradient) in zip(node.inputs, inputGradients) {
                    guard let inputGradient, input.needsGrad else { continue }
                    precondition(inputGradient.shape == input.shape,
                                 "gradient shape \(inputGradient.shape) differs from input shape \(input.shape)")
                    let key = ObjectIdentifier(input)
                    if let existing = pending[key] {
                        pending[key] = existing.adding(inputGradient)
                    } else {
                        pending[key] = PendingGradient(inputGradient, owned: false)
                    }
                }
                if tensor.requiresGrad { tensor.accumulateGrad(gradient) }
                // Free the saved activations as soon as their gradient rule has run.
                tensor.gradNode = nil
            }
        }
    }

    /// Tensors reachable from `self` through recorded nodes, each after every tensor that consumes it.
    private func topologicalOrder() -> [Tensor] {
        var visited = Set<ObjectIdentifier>()
        var postOrder: [Tensor] = []
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (tensor, expanded) = stack.popLast() {
            if expanded { postOrder.append(tensor); continue }
            guard visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            for input in tensor.gradNode?.inputs ?? [] where input.needsGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return postOrder.reversed()
    }

    /// Adds `gradient` into `grad`, allocating it on first use.
    private func accumulateGrad(_ gradient: Tensor) {
        if let grad {
            let values = gradient.contiguousValues()
            let count = grad.count
            let target = grad.pointer, source = values.pointer
            for i in 0..<count { target[i] += source[i] }
        } else {
            let copy = Tensor(uninitialized: shape)
            copyStrided(from: gradient, to: copy.pointer)
            grad = copy
        }
    }

    /// Forgets the accumulated gradient.
    public func zeroGrad() { grad = nil }
}

/// A gradient being summed over a tensor's consumers; `owned` says whether it may be updated in place.
private struct PendingGradient {
    var tensor: Tensor?
    var owned: Bool

    init(_ tensor: Tensor, owned: Bool) {
        self.tensor = tensor
        self.owned = owned
    }

    func adding(_ other: Tensor) -> PendingGradient {
        guard let tensor else { return PendingGradient(other, owned: false) }
        if owned && other.isContiguous {
            let count = tensor.count
            let target = tensor.pointer, source = other.pointer
            for i in 0..<count { target[i] += source[i] }
            return self
        }
        return PendingGradient(tensor + other, owned: true)
    }
}
