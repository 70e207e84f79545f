extension Convolution {
    /// Whether `forwardRowShifted` computes this geometry: stride 1 across, no dilation down, a
    /// kernel more than one column wide, and at least 32 rows per GEMM
    /// (`inChannelsPerGroup · kernelHeight`), below which the narrower GEMMs cost more than the
    /// copies they save (a 3→16 layer has 9).
    static func takesRowShifted(_ geometry: Conv2dGeometry) -> Bool {
        geometry.strideX == 1 && geometry.dilationY == 1 && geometry.kernelWidth > 1
            && geometry.inChannelsPerGroup * geometry.kernelHeight >= 32
    }

    /// The convolution as GEMMs straight on padded input rows, one per output row and kernel
    /// column, for stride 1 across and no dilation down.
    ///
    /// A tile of whole output rows packs the input rows it reads once each, row by row and within
    /// a row channel by channel: packed row `i` (input row `firstRow · strideY − padY + i`,
    /// borders as the geometry says) holds channel `c` at `(i · C + c) · span`, padded to
    /// `span = inputWidth + 2 · padX` samples. Read from output row `r`'s first input row with
    /// rows of `span` samples, the `K' = C · kernelHeight` rows `k = ky · C + c` are exactly the
    /// im2col rows of kernel column `kx`, shifted `kx · dilationX` samples in. Each input row is
    /// copied once per tile (plus `kernelHeight − strideY` halo rows), not once per kernel row and
    /// column as im2col does. For output row `r` and each kernel column `kx` (row-major):
    ///
    ///     C[M × W'] (+)= A_kx[M × K'] · B_kx[K' × W']
    ///
    /// - A_kx is the group's weights at column `kx`, reordered once per call to `[M × K']`
    ///   (`ky`-major), `lda = K'`;
    /// - B_kx starts at packed row `r · strideY`, `kx · dilationX` samples in, `ldb = span`;
    /// - C is output row `r` of the group's `M` channels, `ldc = H' · W'`, `beta` 0 for the first
    ///   column and 1 after.
    ///
    /// Bias and activation are then applied to the output row in place. Measured with oneDNN
    /// here: the three K' = 3·C GEMMs run as fast as one K = 9·C GEMM (165–176 GFLOP/s on one
    /// core for C = 16 and 32).
    static func forwardRowShifted(
        input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2dGeometry, output: Tensor,
        workspaces: [Workspace], gemm: MatrixMultiplier, activation: ConvolutionActivation
    ) {
        precondition(takesRowShifted(geometry), "forwardRowShifted needs stride 1 across, no dilation down and a kernel wider than 1")
        let m = geometry.outChannelsPerGroup
        let channels = geometry.inChannelsPerGroup
        let kernelHeight = geometry.kernelHeight, kernelWidth = geometry.kernelWidth
        let rows = channels * kernelHeight
        let width = geometry.inputWidth, height = geometry.inputHeight
        let span = width + 2 * geometry.padX
        let strideY = geometry.strideY
        let outputHeight = geometry.outputHeight, outputWidth = geometry.outputWidth
        // Tiles of packed rows near the workspace's float budget (L2-sized).
        let budgetRows = max(kernelHeight, workspaces[0].tileFloatBudget  / (channels * span))
        let rowsPerTile = max(1, min(outputHeight, (budgetRows - kernelHeight) / strideY + 1))
        let tilesPerGroup = (outputHeight + rowsPerTile - 1) / rowsPerTile
        let tasks = geometry.batch * geometry.groups * tilesPerGroup
        let workers = min(workspaces.count, tasks)
        let imageSize = geometry.inChannels * height * width
        let planeSize = height * width
        let outputPlane = outputHeight * outputWidth
        let packedRowsPerTile = (rowsPerTile - 1) * strideY + kernelHeight

        // A_kx for every group: shifted[((kx · outChannels) + o) · K' + ky · C + c].
        // Reordered on every call, not cached: training updates the weight tensor in place.
        var shifted = [Float](repeating: 0, count: kernelWidth * geometry.outChannels * rows)
        for o in 0..<geometry.outChannels {
            for c in 0..<channels {
                for ky in 0..<kernelHeight {
                    for kx in 0..<kernelWidth {
                        shifted[(kx * geometry.outChannels + o) * rows + ky * channels + c] =
                            weight.pointer[((o * channels + c) * kernelHeight + ky) * kernelWidth + kx]
                    }
                }
            }
        }

        shifted.withUnsafeBufferPointer { shifted in
            let weights = shifted.baseAddress!
            TaskQueue.run(tasks: tasks, workers: workers, prepare: { _ in if workers > 1 { gemm.prepareWorkerThread() } }) { worker, task in
                let firstRow = (task % tilesPerGroup) * rowsPerTile
                let tileRows = min(rowsPerTile, outputHeight - firstRow)
                let group = (task / tilesPerGroup) % geometry.groups
                let n = task / (tilesPerGroup * geometry.groups)
                let packed = workspaces[worker].floats(packedRowsPerTile * channels * span)
                let image = input.pointer + n * imageSize + group * channels * planeSize
                var destination = packed
                for i in 0..<((tileRows - 1) * strideY + kernelHeight) {
                    let y = firstRow * strideY - geometry.padY + i
                    guard let sourceRow = geometry.border.sourceIndex(y, count: height) else {
                        destination.update(repeating: 0, count: channels * span)
                        destination += channels * span
                        continue
                    }
                    for c in 0..<channels {
                        let source = UnsafePointer(image + c * planeSize + sourceRow * width)
                        for q in 0..<geometry.padX {
                            destination[q] = Im2col.edgeSample(source: source, index: q - geometry.padX, width: width,
                                                               border: geometry.border)
                            destination[geometry.padX + width + q] = Im2col.edgeSample(source: source, index: width + q, width: width,
                                                                                       border: geometry.border)
                        }
                        (destination + geometry.padX).update(from: source, count: width)
                        destination += span
                    }
                }
                for r in 0..<tileRows {
                    let c = output.pointer + (n * geometry.outChannels + group * m) * outputPlane + (firstRow + r) * outputWidth
                    for kx in 0..<kernelWidth {
                        gemm.multiply(transposeA: false, transposeB: false, m: m, n: outputWidth, k: rows, alpha: 1,
                                      a: weights + (kx * geometry.outChannels + group * m) * rows, lda: rows,
                                      b: UnsafePointer(packed + r * strideY * channels * span + kx * geometry.dilationX), ldb: span,
                                      beta: kx == 0 ? 0 : 1, c: c, ldc: outputPlane)
                    }
                    finishTile(c, rows: m, rowStride: outputPlane, count: outputWidth, bias: bias, firstChannel: group * m,
                               activation: activation)
                }
            }
        }
    }
}
