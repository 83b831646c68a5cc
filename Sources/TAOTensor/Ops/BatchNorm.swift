/// Batch normalization over `[batch, channels, time]` (or `[batch, channels]`), with its gradient.
/// Statistics are per channel over batch and time, as PyTorch's BatchNorm1d computes them.

/// Running statistics that training updates in place and evaluation reads: `[channels]` each.
public struct BatchNormStatistics {
    /// Running mean.
    public let mean: Tensor
    /// Running (unbiased) variance.
    public let variance: Tensor
    /// Weight of the new batch in the running averages (PyTorch's momentum, 0.1 by default).
    public let momentum: Float

    /// Statistics to update with `momentum`.
    public init(mean: Tensor, variance: Tensor, momentum: Float) {
        self.mean = mean
        self.variance = variance
        self.momentum = momentum
    }
}

/// y = (x - mean) / sqrt(var + eps) * weight + bias per channel. In training the batch statistics normalize
/// (biased variance) and update `statistics` (unbiased variance); otherwise the running statistics normalize.
public func batchNorm(_ x: Tensor, weight: Tensor, bias: Tensor, statistics: BatchNormStatistics, training: Bool,
                      eps: Float) -> Tensor {
    precondition(x.rank == 2 || x.rank == 3, "batchNorm needs [B, C] or [B, C, T], got \(x.shape)")
    let batch = x.shape[0], channels = x.shape[1], time = x.rank == 3 ? x.shape[2] : 1
    precondition(weight.shape == [channels] && bias.shape == [channels],
                 "batchNorm weight \(weight.shape) / bias \(bias.shape) do not fit input \(x.shape)")
    let input = x.contiguousValues()
    let out = Tensor(uninitialized: x.shape)
    let mean = Tensor(uninitialized: [channels]), inverseStd = Tensor(uninitialized: [channels])
    let gammaValues = weight.contiguousValues(), betaValues = bias.contiguousValues()
    defer { withExtendedLifetime((gammaValues, betaValues)) {} }
    let xp = input.pointer, yp = out.pointer, gamma = gammaValues.pointer, beta = betaValues.pointer
    let mp = mean.pointer, ip = inverseStd.pointer
    let runningMean = statistics.mean.pointer, runningVariance = statistics.variance.pointer
    let n = batch * time
    Parallel.forEachChunk(channels) { range in
        for c in range {
            var m: Float, v: Float
            if training {
                // Two passes (mean, then squared deviations) for accuracy; rows summed in Float, rows combined in Double.
                var total: Double = 0
                for b in 0..<batch {
                    let row = xp + (b * channels + c) * time
                    total += Double(VectorMath.sum(row, count: time))
                }
                m = Float(total / Double(n))
                var squares: Double = 0
                for b in 0..<batch {
                    let row = xp + (b * channels + c) * time
                    squares += Double(VectorMath.squaredDeviation(row, center: m, count: time))
                }
                v = Float(squares / Double(n))
                let unbiased = n > 1 ? v * Float(n) / Float(n - 1) : v
                runningMean[c] = (1 - statistics.momentum) * runningMean[c] + statistics.momentum * m
                runningVariance[c] = (1 - statistics.momentum) * runningVariance[c] + statistics.momentum * unbiased
            } else {
                m = runningMean[c]
                v = runningVariance[c]
            }
            let inv = 1 / (v + eps).squareRoot()
            mp[c] = m
            ip[c] = inv
            let scale = gamma[c] * inv, shift = beta[c] - m * scale
            for b in 0..<batch {
                let row = xp + (b * channels + c) * time, outRow = yp + (b * channels + c) * time
                for t in 0..<time { outRow[t] = row[t] * scale + shift }
            }
        }
    }
    return out.recording([x, weight, bias]) { g in
        batchNormBackward(g.contiguousValues(), input: input, weight: weight, mean: mean, inverseStd: inverseStd,
                          training: training, needsInput: x.needsGrad)
    }
}

/// With xhat = (x - mean) inv: dbias = sum dy, dweight = sum dy xhat, and
/// dx = weight inv (dy - dbias / n - xhat dweight / n) in training (the batch statistics depend on x),
/// dx = weight inv dy in evaluation.
private func batchNormBackward(_ g: Tensor, input: Tensor, weight: Tensor, mean: Tensor, inverseStd: Tensor,
                               training: Bool, needsInput: Bool) -> [Tensor?] {
    let batch = input.shape[0], channels = input.shape[1], time = input.rank == 3 ? input.shape[2] : 1
    let gradInput = needsInput ? Tensor(uninitialized: input.shape) : nil
    let gradWeight = Tensor(uninitialized: [channels]), gradBias = Tensor(uninitialized: [channels])
    let gammaValues = weight.contiguousValues()
    defer { withExtendedLifetime(gammaValues) {} }
    let xp = input.pointer, gp = g.pointer, gamma = gammaValues.pointer
    let mp = mean.pointer, ip = inverseStd.pointer, dwp = gradWeight.pointer, dbp = gradBias.pointer
    let dxp = gradInput?.pointer
    let n = Float(batch * time)
    Parallel.forEachChunk(channels) { range in
        for c in range {
            let m = mp[c], inv = ip[c]
            var sumDy: Double = 0, sumDyX: Double = 0
            for b in 0..<batch {
                let row = xp + (b * channels + c) * time, dy = gp + (b * channels + c) * time
                // sum dy (x - m) = sum dy x - m sum dy.
                let s = VectorMath.sum(dy, count: time)
                sumDy += Double(s)
                sumDyX += Double(VectorMath.dot(dy, row, count: time)) - Double(m) * Double(s)
            }
            dbp[c] = Float(sumDy)
            dwp[c] = Float(sumDyX) * inv
            guard let dxp else { continue }
            let scale = gamma[c] * inv
            if training {
                let meanDy = Float(sumDy) / n, projection = Float(sumDyX) * inv * inv / n
                for b in 0..<batch {
                    let row = xp + (b * channels + c) * time, dy = gp + (b * channels + c) * time
                    let dx = dxp + (b * channels + c) * time
                    for t in 0..<time { dx[t] = scale * (dy[t] - meanDy - (row[t] - m) * projection) }
                }
            } else {
                for b in 0..<batch {
                    let dy = gp + (b * channels + c) * time, dx = dxp + (b * channels + c) * time
                    for t in 0..<time { dx[t] = scale * dy[t] }
                }
            }
        }
    }
    return [gradInput, gradWeight, gradBias]
}
