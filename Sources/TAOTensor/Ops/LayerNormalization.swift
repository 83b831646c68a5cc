/// Layer normalization over the last axis, with its gradient.

/// y = (x - mean) / sqrt(var + eps) * weight + bias over the last axis (biased variance, as PyTorch).
/// x: `[..., features]`, weight and bias: `[features]`.
public func layerNorm(_ x: Tensor, weight: Tensor, bias: Tensor, eps: Float) -> Tensor {
    let features = x.shape.last ?? 1
    precondition(weight.shape == [features] && bias.shape == [features],
                 "layerNorm weight \(weight.shape) / bias \(bias.shape) do not fit input \(x.shape)")
    let input = x.contiguousValues()
    let rows = x.count / Swift.max(features, 1)
    let out = Tensor(uninitialized: x.shape)
    let inverseStd = Tensor(uninitialized: [rows]), mean = Tensor(uninitialized: [rows])
    let gammaValues = weight.contiguousValues(), betaValues = bias.contiguousValues()
    defer { withExtendedLifetime((gammaValues, betaValues)) {} }
    let xp = input.pointer, yp = out.pointer, gamma = gammaValues.pointer, beta = betaValues.pointer
    let ip = inverseStd.pointer, mp = mean.pointer
    Parallel.forEachChunk(rows, minimumChunk: 64) { range in
        for r in range {
            let row = xp + r * features, outRow = yp + r * features
            let m = VectorMath.sum(row, count: features) / Float(features)
            let v = VectorMath.squaredDeviation(row, center: m, count: features) / Float(features)
            let inv = 1 / (v + eps).squareRoot()
            mp[r] = m
            ip[r] = inv
            for i in 0..<features { outRow[i] = (row[i] - m) * inv * gamma[i] + beta[i] }
        }
    }
    return out.recording([x, weight, bias]) { g in
        // With xhat = (x - m) inv and d = g weight: dx = inv (d - mean(d) - xhat mean(d xhat)),
        // dweight = sum over rows g xhat, dbias = sum over rows g.
        let gradient = g.contiguousValues()
        // Re-derive the pointers from the saved tensors (the closure keeps them alive, not raw pointers).
        let gp = gradient.pointer, xp = input.pointer, mp = mean.pointer, ip = inverseStd.pointer
        let gammaValues = weight.contiguousValues(), gamma = gammaValues.pointer
        defer { withExtendedLifetime((gradient, gammaValues)) {} }
        let gradInput = Tensor(uninitialized: x.shape)
        let gradWeight = Tensor(zeros: [features]), gradBias = Tensor(zeros: [features])
        let dxp = gradInput.pointer, dwp = gradWeight.pointer, dbp = gradBias.pointer
        for r in 0..<rows {
            let row = xp + r * features, dy = gp + r * features, dx = dxp + r * features
            let m = mp[r], inv = ip[r]
            var sumD: Float = 0, sumDX: Float = 0
            for i in 0..<features {
                let xhat = (row[i] - m) * inv, d = dy[i] * gamma[i]
                sumD += d
                sumDX += d * xhat
                dwp[i] += dy[i] * xhat
                dbp[i] += dy[i]
            }
            let meanD = sumD / Float(features), meanDX = sumDX / Float(features)
            for i in 0..<features { dx[i] = inv * (dy[i] * gamma[i] - meanD - (row[i] - m) * inv * meanDX) }
        }
        return [gradInput, gradWeight, gradBias]
    }
}
