/// Inverted dropout as a layer: active in training, the identity in evaluation. It owns a seeded generator
/// (a value, advanced on each call), so a training run is reproducible.
public final class Dropout: Layer {
    /// Probability of zeroing an element.
    public let probability: Float
    /// Whether calls drop elements.
    public var isTraining = true
    private var rng: RandomGenerator

    /// A dropout layer drawing masks from `rng`.
    public init(probability: Float, rng: RandomGenerator) {
        precondition(probability >= 0 && probability < 1, "dropout probability \(probability) is not in [0, 1)")
        self.probability = probability
        self.rng = rng
    }

    public func setLocalTraining(_ training: Bool) { isTraining = training }

    /// x with dropout applied in training, x itself in evaluation.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        isTraining ? x.dropout(probability: probability, rng: &rng) : x
    }

    public func forward(_ x: Tensor) -> Tensor { self(x) }
}
