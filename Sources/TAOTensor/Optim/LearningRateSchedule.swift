import Foundation

/// A learning rate as a function of the optimizer step (0-based), as NeMo's schedulers compute it.
public protocol LearningRateSchedule: Sendable {
    /// The rate for `step`.
    func learningRate(at step: Int) -> Float
}

/// Warm-up length from either a step count or a fraction of the run (NeMo's `warmup_steps` / `warmup_ratio`).
public enum Warmup: Sendable {
    case steps(Int)
    case ratio(Double)

    /// Warm-up steps for a run of `maxSteps` (a ratio rounds down, as NeMo's `int(ratio * max_steps)`).
    func steps(maxSteps: Int) -> Int {
        switch self {
        case let .steps(count): count
        case let .ratio(ratio): Int(ratio * Double(maxSteps))
        }
    }
}

/// NeMo's warm-up policy: lr (step + 1) / (warmup + 1) while step <= warmup, `minLR` after `maxSteps`,
/// otherwise the decay `after(step)` gives.
struct WarmupPolicy: Sendable {
    let baseLR: Float, warmupSteps: Int, maxSteps: Int, minLR: Float

    func learningRate(at step: Int, after decay: (Int) -> Float) -> Float {
        if warmupSteps > 0 && step <= warmupSteps { return baseLR * Float(step + 1) / Float(warmupSteps + 1) }
        if step > maxSteps { return minLR }
        return decay(step)
    }
}

/// NeMo's CosineAnnealing: linear warm-up, then min + (base - min) (1 + cos(pi s / S)) / 2 with s the steps
/// after warm-up and S = maxSteps - warm-up.
public struct CosineAnnealing: LearningRateSchedule {
    let policy: WarmupPolicy

    /// A schedule over `maxSteps` optimizer steps.
    public init(baseLR: Float, maxSteps: Int, warmup: Warmup = .steps(0), minLR: Float = 0) {
        policy = WarmupPolicy(baseLR: baseLR, warmupSteps: warmup.steps(maxSteps: maxSteps), maxSteps: maxSteps, minLR: minLR)
    }

    public func learningRate(at step: Int) -> Float {
        policy.learningRate(at: step) { step in
            let span = Double(Swift.max(policy.maxSteps - policy.warmupSteps, 1))
            let progress = Double(step - policy.warmupSteps) / span
            let multiplier = 0.5 * (1 + cos(Double.pi * progress))
            return Float(Double(policy.baseLR - policy.minLR) * multiplier) + policy.minLR
        }
    }
}

/// NeMo's WarmupAnnealing: linear warm-up, then a linear decay from base to `minLR` at `maxSteps`.
public struct WarmupAnnealing: LearningRateSchedule {
    let policy: WarmupPolicy

    /// A schedule over `maxSteps` optimizer steps (NeMo NLP's default: warm-up ratio 0.1).
    public init(baseLR: Float, maxSteps: Int, warmup: Warmup = .steps(0), minLR: Float = 0) {
        policy = WarmupPolicy(baseLR: baseLR, warmupSteps: warmup.steps(maxSteps: maxSteps), maxSteps: maxSteps, minLR: minLR)
    }

    public func learningRate(at step: Int) -> Float {
        policy.learningRate(at: step) { step in
            let progress = Float(step - policy.warmupSteps) / Float(Swift.max(policy.maxSteps - policy.warmupSteps, 1))
            return policy.minLR + (1 - progress) * (policy.baseLR - policy.minLR)
        }
    }
}

/// NeMo's PolynomialDecayAnnealing: linear warm-up, then (base - min) (1 - s / S)^power + min with s the steps
/// after warm-up and S = maxSteps - warm-up; `cycle` restarts the decay with a longer period instead of holding.
public struct PolynomialDecayAnnealing: LearningRateSchedule {
    let policy: WarmupPolicy
    let power: Double, cycle: Bool

    /// A schedule over `maxSteps` optimizer steps.
    public init(baseLR: Float, maxSteps: Int, warmup: Warmup = .steps(0), minLR: Float = 0, power: Double = 1, cycle: Bool = false) {
        policy = WarmupPolicy(baseLR: baseLR, warmupSteps: warmup.steps(maxSteps: maxSteps), maxSteps: maxSteps, minLR: minLR)
        self.power = power
        self.cycle = cycle
    }

    public func learningRate(at step: Int) -> Float {
        policy.learningRate(at: step) { step in
            var decaySteps = Double(Swift.max(policy.maxSteps - policy.warmupSteps, 1))
            var s = Double(step - policy.warmupSteps)
            if cycle {
                decaySteps *= s == 0 ? 1 : (s / decaySteps).rounded(.up)
            } else {
                s = Swift.min(s, decaySteps)
            }
            let lr = Double(policy.baseLR - policy.minLR) * pow(1 - s / decaySteps, power)
            return Float(lr) + policy.minLR
        }
    }
}

/// NeMo's NoamAnnealing (Transformer schedule): base d^-0.5 min(s^-0.5, s w^-1.5) with s = max(1, step),
/// never below `minLR` after warm-up.
public struct NoamAnnealing: LearningRateSchedule {
    public let baseLR: Float, modelDimension: Int, warmupSteps: Int, minLR: Float

    /// A schedule for a model of width `modelDimension`.
    public init(baseLR: Float, modelDimension: Int, warmup: Warmup = .steps(0), maxSteps: Int = 0, minLR: Float = 0) {
        self.baseLR = baseLR
        self.modelDimension = modelDimension
        warmupSteps = warmup.steps(maxSteps: maxSteps)
        self.minLR = minLR
    }

    public func learningRate(at step: Int) -> Float {
        let s = Double(Swift.max(1, step))
        let normalize = pow(Double(modelDimension), -0.5)
        let multiplier = warmupSteps > 0 ? normalize * Swift.min(pow(s, -0.5), s * pow(Double(warmupSteps), -1.5)) : normalize * pow(s, -0.5)
        let lr = Float(Double(baseLR) * multiplier)
        return Int(s) > warmupSteps ? Swift.max(lr, minLR) : lr
    }
}

/// A constant rate after an optional linear warm-up (NeMo's WarmupPolicy; plain constant without warm-up).
public struct ConstantSchedule: LearningRateSchedule {
    let policy: WarmupPolicy

    /// `baseLR` throughout, after `warmup`.
    public init(baseLR: Float, warmup: Warmup = .steps(0), maxSteps: Int = Int.max) {
        policy = WarmupPolicy(baseLR: baseLR, warmupSteps: warmup.steps(maxSteps: maxSteps == Int.max ? 0 : maxSteps),
                              maxSteps: maxSteps, minLR: baseLR)
    }

    public func learningRate(at step: Int) -> Float { policy.learningRate(at: step) { _ in policy.baseLR } }
}
