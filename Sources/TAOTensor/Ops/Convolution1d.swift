/// 1-D convolution over `[batch, channels, time]`, with its gradient. Three paths, chosen by shape:
/// pointwise (kernel 1) as one GEMM per utterance, depthwise as a direct SIMD kernel parallel over channels,
/// anything else as im2col + GEMM.

/// Output frames of a convolution: floor((time + 2 padding - dilation (kernel - 1) - 1) / stride) + 1.
public func conv1dOutputLength(_ time: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1) -> Int {
    (time + 2 * padding - dilation * (kernelSize - 1) - 1) / stride + 1
}

/// Geometry shared by the convolution kernels.
struct ConvGeometry {
    let batch: Int, inChannels: Int, outChannels: Int, inTime: Int, outTime: Int
    let kernelSize: Int, stride: Int, padding: Int, dilation: Int, groups: Int
    var inPerGroup: Int { inChannels / groups }
    var outPerGroup: Int { outChannels / groups }
}

/// y = conv1d(x, weight) + bias. x: `[batch, inChannels, time]`, weight: `[outChannels, inChannels / groups,
/// kernelSize]`, bias: `[outChannels]`; returns `[batch, outChannels, conv1dOutputLength(time, ...)]`.
public func conv1d(_ x: Tensor, _ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                   dilation: Int = 1, groups: Int = 1) -> Tensor {
    precondition(x.rank == 3 && weight.rank == 3, "conv1d needs x [B, C, T] and weight [O, C/g, K], got \(x.shape) and \(weight.shape)")
    precondition(x.shape[1] % groups == 0 && weight.shape[0] % groups == 0 && weight.shape[1] * groups == x.shape[1],
                 "conv1d: input \(x.shape) and weight \(weight.shape) do not fit \(groups) groups")
    let outTime = conv1dOutputLength(x.shape[2], kernelSize: weight.shape[2], stride: stride, padding: padding, dilation: dilation)
    precondition(outTime > 0, "conv1d: input \(x.shape) is too short for weight \(weight.shape)")
    let geometry = ConvGeometry(batch: x.shape[0], inChannels: x.shape[1], outChannels: weight.shape[0], inTime: x.shape[2],
                                outTime: outTime, kernelSize: weight.shape[2], stride: stride, padding: padding,
                                dilation: dilation, groups: groups)
    let input = x.contiguousValues(), kernel = weight.contiguousValues()
    let out = Tensor(uninitialized: [geometry.batch, geometry.outChannels, outTime])
    let isDepthwise = groups == geometry.inChannels && groups == geometry.outChannels
    if geometry.kernelSize == 1 && groups == 1 && stride == 1 && padding == 0 {
        pointwiseForward(input.pointer, kernel.pointer, out.pointer, geometry)
    } else if isDepthwise {
        depthwiseForward(input.pointer, kernel.pointer, out.pointer, geometry)
    } else {
        im2colForward(input.pointer, kernel.pointer, out.pointer, geometry)
    }
    if let bias {
        precondition(bias.shape == [geometry.outChannels], "conv1d bias \(bias.shape) does not fit \(geometry.outChannels) channels")
        let biasValues = bias.contiguousValues()
        defer { withExtendedLifetime(biasValues) {} }
        let b = biasValues.pointer, o = out.pointer
        for row in 0..<(geometry.batch * geometry.outChannels) {
            let value = b[row % geometry.outChannels], r = o + row * outTime
            for t in 0..<outTime { r[t] += value }
        }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return out.recording(inputs) { g in
        let gradOut = g.contiguousValues()
        let gradInput = x.needsGrad ? Tensor(zeros: x.shape) : nil
        let gradWeight = Tensor(zeros: weight.shape)
        if geometry.kernelSize == 1 && groups == 1 && stride == 1 && padding == 0 {
            pointwiseBackward(input.pointer, kernel.pointer, gradOut.pointer, gradInput?.pointer, gradWeight.pointer, geometry)
        } else if isDepthwise {
            depthwiseBackward(input.pointer, kernel.pointer, gradOut.pointer, gradInput?.pointer, gradWeight.pointer, geometry)
        } else {
            im2colBackward(input.pointer, kernel.pointer, gradOut.pointer, gradInput?.pointer, gradWeight.pointer, geometry)
        }
        var grads: [Tensor?] = [gradInput, gradWeight]
        if bias != nil { grads.append(gradOut.sum(axes: [0, 2])) }
        return grads
    }
}

// MARK: Pointwise: y_b [O x T] = W [O x C] * x_b [C x T]

private func pointwiseForward(_ x: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>,
                              _ y: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    for b in 0..<g.batch {
        sgemm(transposeA: false, transposeB: false, m: g.outChannels, n: g.inTime, k: g.inChannels,
              a: w, lda: g.inChannels, b: x + b * g.inChannels * g.inTime, ldb: g.inTime,
              beta: 0, c: y + b * g.outChannels * g.inTime, ldc: g.inTime)
    }
}

/// dx_b = W^T dy_b; dW = sum_b dy_b x_b^T (accumulated by BLAS with beta 1).
private func pointwiseBackward(_ x: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>, _ dy: UnsafeMutablePointer<Float>,
                               _ dx: UnsafeMutablePointer<Float>?, _ dw: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    let t = g.inTime
    for b in 0..<g.batch {
        let dyb = dy + b * g.outChannels * t, xb = x + b * g.inChannels * t
        if let dx {
            sgemm(transposeA: true, transposeB: false, m: g.inChannels, n: t, k: g.outChannels,
                  a: w, lda: g.inChannels, b: dyb, ldb: t, beta: 0, c: dx + b * g.inChannels * t, ldc: t)
        }
        sgemm(transposeA: false, transposeB: true, m: g.outChannels, n: g.inChannels, k: t,
              a: dyb, lda: t, b: xb, ldb: t, beta: b == 0 ? 0 : 1, c: dw, ldc: g.inChannels)
    }
}

// MARK: Depthwise: y[b, c, t] = sum_k w[c, k] x[b, c, t stride + k dilation - padding]

/// The output frames `t` whose tap `k` reads inside the input: `0 <= t * stride + shift < inTime`.
@inline(__always)
private func validFrames(shift: Int, _ g: ConvGeometry) -> Range<Int> {
    let first = shift >= 0 ? 0 : (-shift + g.stride - 1) / g.stride
    let end = Swift.min(g.outTime, shift >= g.inTime ? 0 : (g.inTime - shift + g.stride - 1) / g.stride)
    return first..<Swift.max(first, end)
}

private func depthwiseForward(_ x: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>,
                              _ y: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    Parallel.forEachChunk(g.batch * g.inChannels) { rows in
        for row in rows {
            let c = row % g.inChannels
            let xr = x + row * g.inTime, yr = y + row * g.outTime, wr = w + c * g.kernelSize
            yr.update(repeating: 0, count: g.outTime)
            for k in 0..<g.kernelSize {
                let shift = k * g.dilation - g.padding, weight = wr[k]
                let frames = validFrames(shift: shift, g)
                if g.stride == 1 {
                    let source = xr + shift
                    for t in frames { yr[t] += weight * source[t] }
                } else {
                    for t in frames { yr[t] += weight * xr[t * g.stride + shift] }
                }
            }
        }
    }
}

/// dx[b, c, t s + shift_k] += w[c, k] dy[b, c, t]; dw[c, k] = sum_{b, t} dy[b, c, t] x[b, c, t s + shift_k].
/// Parallel over channels, so each worker owns its rows of dx and dw.
private func depthwiseBackward(_ x: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>, _ dy: UnsafeMutablePointer<Float>,
                               _ dx: UnsafeMutablePointer<Float>?, _ dw: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    Parallel.forEachChunk(g.inChannels) { channels in
        for c in channels {
            let wr = w + c * g.kernelSize, dwr = dw + c * g.kernelSize
            for b in 0..<g.batch {
                let row = b * g.inChannels + c
                let xr = x + row * g.inTime, dyr = dy + row * g.outTime
                for k in 0..<g.kernelSize {
                    let shift = k * g.dilation - g.padding, weight = wr[k]
                    let frames = validFrames(shift: shift, g)
                    var dot: Float = 0
                    if g.stride == 1 {
                        let source = xr + shift
                        dot = VectorMath.dot(dyr + frames.lowerBound, source + frames.lowerBound, count: frames.count)
                        if let dx {
                            let target = dx + row * g.inTime + shift
                            for t in frames { target[t] += weight * dyr[t] }
                        }
                    } else {
                        for t in frames { dot += dyr[t] * xr[t * g.stride + shift] }
                        if let dx {
                            let target = dx + row * g.inTime
                            for t in frames { target[t * g.stride + shift] += weight * dyr[t] }
                        }
                    }
                    dwr[k] += dot
                }
            }
        }
    }
}

// MARK: General: im2col columns [C/g * K x T_out] per utterance and group, then y_g = W_g * columns

/// columns[(c, k), t] = x[c, t stride + k dilation - padding] (0 outside), for the channels of one group.
private func im2col(_ x: UnsafeMutablePointer<Float>, _ columns: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    for c in 0..<g.inPerGroup {
        for k in 0..<g.kernelSize {
            let out = columns + (c * g.kernelSize + k) * g.outTime
            out.update(repeating: 0, count: g.outTime)
            let shift = k * g.dilation - g.padding, xr = x + c * g.inTime
            for t in validFrames(shift: shift, g) { out[t] = xr[t * g.stride + shift] }
        }
    }
}

/// The adjoint of `im2col`: x[c, t stride + shift_k] += columns[(c, k), t].
private func col2im(_ columns: UnsafeMutablePointer<Float>, _ x: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    for c in 0..<g.inPerGroup {
        for k in 0..<g.kernelSize {
            let source = columns + (c * g.kernelSize + k) * g.outTime
            let shift = k * g.dilation - g.padding, xr = x + c * g.inTime
            for t in validFrames(shift: shift, g) { xr[t * g.stride + shift] += source[t] }
        }
    }
}

private func im2colForward(_ x: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>,
                           _ y: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    let rows = g.inPerGroup * g.kernelSize
    let columns = TensorStorage(count: rows * g.outTime, zeroed: false)
    for b in 0..<g.batch {
        for group in 0..<g.groups {
            im2col(x + (b * g.inChannels + group * g.inPerGroup) * g.inTime, columns.base, g)
            sgemm(transposeA: false, transposeB: false, m: g.outPerGroup, n: g.outTime, k: rows,
                  a: w + group * g.outPerGroup * rows, lda: rows, b: columns.base, ldb: g.outTime,
                  beta: 0, c: y + (b * g.outChannels + group * g.outPerGroup) * g.outTime, ldc: g.outTime)
        }
    }
}

/// dW_g += dy_g columns^T; dcolumns = W_g^T dy_g, scattered back by col2im.
private func im2colBackward(_ x: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>, _ dy: UnsafeMutablePointer<Float>,
                            _ dx: UnsafeMutablePointer<Float>?, _ dw: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    let rows = g.inPerGroup * g.kernelSize
    let columns = TensorStorage(count: rows * g.outTime, zeroed: false)
    let gradColumns = TensorStorage(count: rows * g.outTime, zeroed: false)
    for b in 0..<g.batch {
        for group in 0..<g.groups {
            let dyg = dy + (b * g.outChannels + group * g.outPerGroup) * g.outTime
            let wg = w + group * g.outPerGroup * rows
            im2col(x + (b * g.inChannels + group * g.inPerGroup) * g.inTime, columns.base, g)
            sgemm(transposeA: false, transposeB: true, m: g.outPerGroup, n: rows, k: g.outTime,
                  a: dyg, lda: g.outTime, b: columns.base, ldb: g.outTime, beta: 1, c: dw + group * g.outPerGroup * rows, ldc: rows)
            guard let dx else { continue }
            sgemm(transposeA: true, transposeB: false, m: rows, n: g.outTime, k: g.outPerGroup,
                  a: wg, lda: rows, b: dyg, ldb: g.outTime, beta: 0, c: gradColumns.base, ldc: g.outTime)
            col2im(gradColumns.base, dx + (b * g.inChannels + group * g.inPerGroup) * g.inTime, g)
        }
    }
}
