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
        let isPointwise = geometry.kernelSize == 1 && groups == 1 && stride == 1 && padding == 0
        // The pointwise GEMMs overwrite dx (beta 0); the other paths accumulate into it.
        let gradInput = x.needsGrad ? (isPointwise ? Tensor(uninitialized: x.shape) : Tensor(zeros: x.shape)) : nil
        let gradWeight = Tensor(zeros: weight.shape)
        if isPointwise {
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
    Parallel.forEachChunkWithSerialBLAS(g.batch) { _, utterances in
        for b in utterances {
            sgemm(transposeA: false, transposeB: false, m: g.outChannels, n: g.inTime, k: g.inChannels,
                  a: w, lda: g.inChannels, b: x + b * g.inChannels * g.inTime, ldb: g.inTime,
                  beta: 0, c: y + b * g.outChannels * g.inTime, ldc: g.inTime)
        }
    }
}

/// dx_b = W^T dy_b; dW = sum_b dy_b x_b^T (accumulated by BLAS with beta 1, one partial sum per worker).
private func pointwiseBackward(_ x: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>, _ dy: UnsafeMutablePointer<Float>,
                               _ dx: UnsafeMutablePointer<Float>?, _ dw: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    let t = g.inTime, weightCount = g.outChannels * g.inChannels
    let workers = Swift.min(BLAS.threadCount, g.batch)
    // Worker 0 accumulates into dw itself; the others into their own buffers, summed afterwards.
    let partials = TensorStorage(count: Swift.max(workers - 1, 0) * weightCount, zeroed: false)
    Parallel.forEachChunkWithSerialBLAS(g.batch) { worker, utterances in
        let target = worker == 0 ? dw : partials.base + (worker - 1) * weightCount
        for b in utterances {
            let dyb = dy + b * g.outChannels * t, xb = x + b * g.inChannels * t
            if let dx {
                sgemm(transposeA: true, transposeB: false, m: g.inChannels, n: t, k: g.outChannels,
                      a: w, lda: g.inChannels, b: dyb, ldb: t, beta: 0, c: dx + b * g.inChannels * t, ldc: t)
            }
            sgemm(transposeA: false, transposeB: true, m: g.outChannels, n: g.inChannels, k: t,
                  a: dyb, lda: t, b: xb, ldb: t, beta: b == utterances.lowerBound ? 0 : 1, c: target, ldc: g.inChannels)
        }
    }
    for worker in 1..<Swift.max(workers, 1) {
        let partial = partials.base + (worker - 1) * weightCount
        for i in 0..<weightCount { dw[i] += partial[i] }
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
        // Each row is copied once into a zero-padded scratch row, so the inner loops need no bounds checks.
        let padded = TensorStorage(count: g.inTime + 2 * g.padding + g.dilation * g.kernelSize, zeroed: true)
        for row in rows {
            let c = row % g.inChannels
            let xr = x + row * g.inTime, yr = y + row * g.outTime, wr = w + c * g.kernelSize
            if g.stride == 1 {
                (padded.base + g.padding).update(from: xr, count: g.inTime)
                correlate(padded.base, taps: wr, tapCount: g.kernelSize, dilation: g.dilation, out: yr, count: g.outTime)
                continue
            }
            yr.update(repeating: 0, count: g.outTime)
            for k in 0..<g.kernelSize {
                let shift = k * g.dilation - g.padding, weight = wr[k]
                for t in validFrames(shift: shift, g) { yr[t] += weight * xr[t * g.stride + shift] }
            }
        }
    }
}

/// out[t] = sum_k taps[k] padded[t + k dilation] for t in 0..<count: the stride-1 depthwise correlation, with
/// 64 outputs held in registers across all taps (one load and one FMA per tap and vector, no stores).
@inline(__always)
private func correlate(_ padded: UnsafePointer<Float>, taps: UnsafePointer<Float>, tapCount: Int, dilation: Int,
                       out: UnsafeMutablePointer<Float>, count: Int) {
    let raw = UnsafeRawPointer(padded), rawOut = UnsafeMutableRawPointer(out)
    var t = 0
    while t + 64 <= count {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        for k in 0..<tapCount {
            let weight = SIMD16<Float>(repeating: taps[k]), offset = (t + k * dilation) * 4
            a0 += weight * raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
            a1 += weight * raw.loadUnaligned(fromByteOffset: offset + 64, as: SIMD16<Float>.self)
            a2 += weight * raw.loadUnaligned(fromByteOffset: offset + 128, as: SIMD16<Float>.self)
            a3 += weight * raw.loadUnaligned(fromByteOffset: offset + 192, as: SIMD16<Float>.self)
        }
        rawOut.storeBytes(of: a0, toByteOffset: t * 4, as: SIMD16<Float>.self)
        rawOut.storeBytes(of: a1, toByteOffset: t * 4 + 64, as: SIMD16<Float>.self)
        rawOut.storeBytes(of: a2, toByteOffset: t * 4 + 128, as: SIMD16<Float>.self)
        rawOut.storeBytes(of: a3, toByteOffset: t * 4 + 192, as: SIMD16<Float>.self)
        t += 64
    }
    while t + 16 <= count {
        var a0 = SIMD16<Float>()
        for k in 0..<tapCount {
            a0 += SIMD16<Float>(repeating: taps[k]) * raw.loadUnaligned(fromByteOffset: (t + k * dilation) * 4, as: SIMD16<Float>.self)
        }
        rawOut.storeBytes(of: a0, toByteOffset: t * 4, as: SIMD16<Float>.self)
        t += 16
    }
    while t < count {
        var total: Float = 0
        for k in 0..<tapCount { total += taps[k] * padded[t + k * dilation] }
        out[t] = total
        t += 1
    }
}

/// dx[b, c, t s + shift_k] += w[c, k] dy[b, c, t]; dw[c, k] = sum_{b, t} dy[b, c, t] x[b, c, t s + shift_k].
/// Parallel over channels, so each worker owns its rows of dx and dw. With stride 1, dx is the correlation
/// of dy (zero-padded) with the reversed taps: dx[j] = sum_k w[K-1-k] dy[j + p - (K-1) d + k d].
private func depthwiseBackward(_ x: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>, _ dy: UnsafeMutablePointer<Float>,
                               _ dx: UnsafeMutablePointer<Float>?, _ dw: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    let reach = g.dilation * (g.kernelSize - 1)
    Parallel.forEachChunk(g.inChannels) { channels in
        let paddedInput = TensorStorage(count: g.inTime + 2 * g.padding + g.dilation * g.kernelSize, zeroed: true)
        let paddedGrad = TensorStorage(count: g.inTime + 2 * reach + 1, zeroed: true)
        let reversed = TensorStorage(count: g.kernelSize, zeroed: false)
        for c in channels {
            let wr = w + c * g.kernelSize, dwr = dw + c * g.kernelSize
            for k in 0..<g.kernelSize { reversed.base[k] = wr[g.kernelSize - 1 - k] }
            for b in 0..<g.batch {
                let row = b * g.inChannels + c
                let xr = x + row * g.inTime, dyr = dy + row * g.outTime
                guard g.stride == 1 && g.padding <= reach else {
                    stridedDepthwiseBackwardRow(xr, wr, dyr, dx.map { $0 + row * g.inTime }, dwr, g)
                    continue
                }
                (paddedInput.base + g.padding).update(from: xr, count: g.inTime)
                var k = 0
                while k + 4 <= g.kernelSize {
                    let sums = VectorMath.dot4(dyr, paddedInput.base + k * g.dilation, spacing: g.dilation, count: g.outTime)
                    dwr[k] += sums.0; dwr[k + 1] += sums.1; dwr[k + 2] += sums.2; dwr[k + 3] += sums.3
                    k += 4
                }
                while k < g.kernelSize {
                    dwr[k] += VectorMath.dot(dyr, paddedInput.base + k * g.dilation, count: g.outTime)
                    k += 1
                }
                guard let dx else { continue }
                // dypad[i] = dy[i + p - reach], zero outside the valid frames (only the dy window is ever written,
                // so the zeros around it survive from the allocation).
                let lead = reach - g.padding
                (paddedGrad.base + lead).update(from: dyr, count: g.outTime)
                correlate(paddedGrad.base, taps: reversed.base, tapCount: g.kernelSize, dilation: g.dilation,
                          out: dx + row * g.inTime, count: g.inTime)
            }
        }
    }
}

/// One row of the depthwise gradient for stride > 1, tap by tap.
private func stridedDepthwiseBackwardRow(_ xr: UnsafeMutablePointer<Float>, _ wr: UnsafeMutablePointer<Float>,
                                         _ dyr: UnsafeMutablePointer<Float>, _ dxr: UnsafeMutablePointer<Float>?,
                                         _ dwr: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    for k in 0..<g.kernelSize {
        let shift = k * g.dilation - g.padding, weight = wr[k]
        let frames = validFrames(shift: shift, g)
        var dot: Float = 0
        for t in frames { dot += dyr[t] * xr[t * g.stride + shift] }
        dwr[k] += dot
        if let dxr {
            for t in frames { dxr[t * g.stride + shift] += weight * dyr[t] }
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
