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
