import TAOTensor

/// The optimizer and learning-rate schedule an `optim` block describes.
enum OptimizerFactory {
    static func optimizer(_ optim: OptimSpec, parameters: [Tensor]) throws -> any Optimizer {
        let rate = Float(optim.lr)
        func betas(default value: (Float, Float)) throws -> (Float, Float) {
            guard let betas = optim.betas else { return value }
            guard betas.count == 2 else { throw SpecError.invalid(path: "optim.betas", reason: "needs two values [beta1, beta2]") }
            return (Float(betas[0]), Float(betas[1]))
        }
        switch optim.name {
        case "novograd":
            return Novograd(parameters: parameters, learningRate: rate, betas: try betas(default: (0.95, 0.98)),
                            eps: Float(optim.eps), weightDecay: Float(optim.weightDecay))
        case "adam", "adamw":
            return Adam(parameters: parameters, learningRate: rate, betas: try betas(default: (0.9, 0.999)), eps: Float(optim.eps),
                        weightDecay: Float(optim.weightDecay), decoupledWeightDecay: optim.name == "adamw")
        default:
            return SGD(parameters: parameters, learningRate: rate, momentum: Float(optim.momentum),
                       weightDecay: Float(optim.weightDecay), nesterov: optim.nesterov)
        }
    }

    /// The schedule over a run of `totalSteps` optimizer steps.
    static func schedule(_ optim: OptimSpec, totalSteps: Int) throws -> any LearningRateSchedule {
        let rate = Float(optim.lr)
        guard let sched = optim.sched else { return ConstantSchedule(baseLR: rate) }
        if sched.warmupSteps != nil && sched.warmupRatio != nil {
            throw SpecError.invalid(path: "optim.sched", reason: "give warmup_steps or warmup_ratio, not both")
        }
        let warmup: Warmup = sched.warmupSteps.map { .steps($0) } ?? .ratio(sched.warmupRatio ?? 0)
        let minimum = Float(sched.minLr)
        switch sched.name {
        case "CosineAnnealing": return CosineAnnealing(baseLR: rate, maxSteps: totalSteps, warmup: warmup, minLR: minimum)
        case "WarmupAnnealing": return WarmupAnnealing(baseLR: rate, maxSteps: totalSteps, warmup: warmup, minLR: minimum)
        case "PolynomialDecayAnnealing":
            return PolynomialDecayAnnealing(baseLR: rate, maxSteps: totalSteps, warmup: warmup, minLR: minimum, power: sched.power)
        case "NoamAnnealing":
            guard let dimension = sched.dModel else {
                throw SpecError.invalid(path: "optim.sched.d_model", reason: "NoamAnnealing needs the model width")
            }
            return NoamAnnealing(baseLR: rate, modelDimension: dimension, warmup: warmup, maxSteps: totalSteps, minLR: minimum)
        default:
            return ConstantSchedule(baseLR: rate, warmup: warmup, maxSteps: totalSteps)
        }
    }
}
