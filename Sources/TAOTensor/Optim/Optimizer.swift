/// Updates parameters from their accumulated gradients. Parameters without a gradient are skipped.
public protocol Optimizer: AnyObject {
    /// The tensors this optimizer updates, in a fixed order (state is kept per index).
    var parameters: [Tensor] { get }
    /// The step size the next `step()` uses (a schedule sets it before each step).
    var learningRate: Float { get set }
    /// Applies one update to every parameter that has a gradient.
    func step()
}

extension Optimizer {
    /// Clears the gradient of every parameter.
    public func zeroGrad() { for parameter in parameters { parameter.zeroGrad() } }
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
