/// A layer or a model: trainable parameters and buffers under dotted names (`encoder.0.conv.weight`), the
/// names a Hugging Face or NeMo checkpoint uses, so loading needs no mapping table.
public protocol Module: AnyObject {
    /// This module's own trainable tensors by local name (e.g. `weight`, `bias`), not its children's.
    var localParameters: [(String, Tensor)] { get }
    /// This module's own non-trainable checkpoint state (e.g. BatchNorm running statistics).
    var localBuffers: [(String, Tensor)] { get }
    /// Direct submodules by local name (`conv`, `0`, ...).
    var children: [(String, any Module)] { get }
    /// Switches this module's own training behaviour (BatchNorm statistics, dropout); see `setTraining`.
    func setLocalTraining(_ training: Bool)
}

extension Module {
    public var localParameters: [(String, Tensor)] { [] }
    public var localBuffers: [(String, Tensor)] { [] }
    public var children: [(String, any Module)] { [] }
    public func setLocalTraining(_ training: Bool) {}

    /// Every trainable tensor of the tree, with dotted names, in a stable order.
    public func namedParameters() -> [(String, Tensor)] { collect(prefix: "", buffers: false) }

    /// Every trainable tensor of the tree.
    public var parameters: [Tensor] { namedParameters().map(\.1) }

    /// Parameters and buffers: what a checkpoint holds.
    public func stateTensors() -> [(String, Tensor)] { collect(prefix: "", buffers: true) }

    /// Switches the whole tree to training (true) or evaluation (false) behaviour.
    public func setTraining(_ training: Bool) {
        setLocalTraining(training)
        for (_, child) in children { child.setTraining(training) }
    }

    /// Clears the gradients of every parameter.
    public func zeroGrad() { for parameter in parameters { parameter.zeroGrad() } }

    private func collect(prefix: String, buffers: Bool) -> [(String, Tensor)] {
        var result = localParameters.map { (prefix + $0.0, $0.1) }
        if buffers { result += localBuffers.map { (prefix + $0.0, $0.1) } }
        for (name, child) in children {
            result += child.collect(prefix: prefix + name + ".", buffers: buffers)
        }
        return result
    }
}

/// Modules applied one after another (PyTorch's `nn.Sequential`); children are named `0`, `1`, ...
public final class Sequential: Module {
    /// The layers, in order; each maps a tensor to a tensor.
    public let layers: [any Layer]

    /// Chains `layers`.
    public init(_ layers: [any Layer]) { self.layers = layers }

    public var children: [(String, any Module)] { layers.enumerated().map { (String($0.offset), $0.element) } }

    /// Applies every layer in order.
    public func callAsFunction(_ x: Tensor) -> Tensor { layers.reduce(x) { $1.forward($0) } }
}

/// A module that maps one tensor to one tensor (the shape `Sequential` chains).
public protocol Layer: Module {
    /// The layer applied to `x`.
    func forward(_ x: Tensor) -> Tensor
}
