/// Updates parameters from their accumulated gradients. Parameters without a gradient are skipped.
public protocol Optimizer: AnyObject {
    /// The tensors this optimizer updates, in a fixed order (state is kept per index).
    var parameters: [Tensor] { get }
    /// The step size the next `step()` uses (a schedule sets it before each step).
    var learningRate: Float { get set }
    /// Applies one update to every parameter that has a gradient.
    func step()
    /// Per-parameter state (moments, step counts) as tensors named `<parameter index>.<name>`, PyTorch's names
    /// (`exp_avg`, `exp_avg_sq`, `step`, `momentum_buffer`), so a checkpoint can resume training exactly.
    func state() -> [(String, Tensor)]
    /// Restores what `state()` returned; throws when a tensor does not fit these parameters (`source` names the file).
    func restore(_ state: [String: Tensor], source: String) throws
}

extension Optimizer {
    /// Clears the gradient of every parameter.
    public func zeroGrad() { for parameter in parameters { parameter.zeroGrad() } }
}

/// Reading back per-parameter optimizer state, checked against the parameters it belongs to.
struct OptimizerState {
    let tensors: [String: Tensor]
    let source: String
    let parameters: [Tensor]
    private var used = Set<String>()

    init(_ tensors: [String: Tensor], source: String, parameters: [Tensor]) {
        self.tensors = tensors
        self.source = source
        self.parameters = parameters
    }

    /// `<index>.<name>` as a copy shaped like parameter `index` (or `[count]` when given), nil when absent.
    mutating func tensor(_ index: Int, _ name: String, count: Int? = nil) throws -> Tensor? {
        let key = "\(index).\(name)"
        guard let value = tensors[key] else { return nil }
        used.insert(key)
        let expected = count.map { [$0] } ?? parameters[index].shape
        guard value.shape == expected else { throw TensorError.wrongShape(path: source, key: key, found: value.shape, expected: expected) }
        return Tensor(value.scalars, shape: value.shape)
    }

    /// A scalar stored as a one-element tensor, nil when absent.
    mutating func scalar(_ index: Int, _ name: String) throws -> Float? { try tensor(index, name, count: 1)?.scalars[0] }

    /// Throws when some tensors were not consumed (state of another optimizer or model).
    func checkAllUsed() throws {
        let unknown = Set(tensors.keys).subtracting(used)
        if !unknown.isEmpty { throw TensorError.unknownKeys(path: source, keys: unknown.sorted()) }
    }
}

/// Per-parameter element loops shared by the optimizers.
enum OptimizerMath {
    /// sum(g^2) of a gradient, accumulated in Double.
    static func squaredNorm(_ g: Tensor) -> Double {
        let p = g.pointer
        var total: Double = 0
        var partial: Float = 0
        for i in 0..<g.count {
            partial += p[i] * p[i]
            if i & 4095 == 4095 { total += Double(partial); partial = 0 }
        }
        return total + Double(partial)
    }
}
