extension Convolution {
    /// Whether `forwardRowShifted` computes this geometry: stride 1 across, a kernel more than
    /// one column wide, and at least 32 rows per GEMM (`inChannelsPerGroup · kernelHeight`), below
    /// which the narrower GEMMs cost more than the copies they save (a 3→16 layer has 9).
    static func takesRowShifted(_ geometry: Conv2dGeometry) -> Bool {
        geometry.strideX == 1 && geometry.kernelWidth > 1 && geometry.inChannelsPerGroup * geometry.kernelHeight >= 32
    }

    /// The convolution as im2col with the kernel's columns left out, and one GEMM per kernel
    /// column, for stride 1 across.
    ///
    /// With stride 1, the im2col rows of kernel columns `kx = 0, 1, …` hold the same padded
    /// input row shifted by `kx · dilationX`. A tile of whole output rows is therefore packed
    /// once per input channel and kernel row, `(c, ky)`, each output row as its padded input row
    /// (`span = inputWidth + 2 · padX` samples, borders as the geometry says), one third of
    /// im2col's copies for a 3×3 kernel. Column `j = r · span + q` of the packed tile stands for
    /// output `(firstRow + r, q)`; for `q ≥ outputWidth` it is a column of no output, computed and
    /// dropped. For each kernel column `kx` (row-major):
    ///
    ///     C[M × tileN] (+)= A_kx[M × K'] · B_kx[K' × tileN]
    ///
    /// - `K' = inChannelsPerGroup · kernelHeight`; A_kx is the group's weights at column `kx`,
    ///   reordered once per call to `[M × K']`, `lda = K'`;
    /// - B_kx is the packed tile starting `kx · dilationX` columns in, `ldb` = the packed row
    ///   length (`tileN` plus the largest shift);
    /// - C is `[M × tileN]` in the workspace after the packed rows, `ldc = tileN`, `beta` 0 for
    ///   the first column and 1 after.
    ///
    /// Then bias and activation are applied as the valid columns are copied into the output.
    /// Measured with oneDNN here: the three K' = 3·C GEMMs run as fast as one K = 9·C GEMM
    /// (165–176 GFLOP/s on one core for C = 16 and 32).
    static func forwardRowShifted(
        input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2dGeometry, output: Tensor,
        workspaces: [Workspace], gemm: MatrixMultiplier, activation: ConvolutionActivation
    ) {
        precondition(takesRowShifted(geometry), "forwardRowShifted needs stride 1 across and a kernel wider than 1")
        let m = geometry.outChannelsPerGroup
        let channels = geometry.inChannelsPerGroup
        let kernelHeight = geometry.kernelHeight, kernelWidth = geometry.kernelWidth
        let rows = channels * kernelHeight
        let width = geometry.inputWidth, height = geometry.inputHeight
        let span = width + 2 * geometry.padX
        let shift = geometry.dilationX
        let slack = (kernelWidth - 1) * shift
        let outputHeight = geometry.outputHeight, outputWidth = geometry.outputWidth
        let budget = workspaces[0].columnsPerTile(rows: rows, columns: span * outputHeight)
        let rowsPerTile = max(1, min(outputHeight, budget / span))
        let tilesPerGroup = (outputHeight + rowsPerTile - 1) / rowsPerTile
        let tasks = geometry.batch * geometry.groups * tilesPerGroup
        let workers = min(workspaces.count, tasks)
        let imageSize = geometry.inChannels * height * width
        let planeSize = height * width
        let outputPlane = outputHeight * outputWidth
        let largestTile = rowsPerTile * span

        // A_kx for every group: shifted[((kx · outChannels) + o) · K' + c · kernelHeight + ky].
        // Reordered on every call, not cached: training updates the weight tensor in place.
        var shifted = [Float](repeating: 0, count: kernelWidth * geometry.outChannels * rows)
        for o in 0..<geometry.outChannels {
            for c in 0..<channels {
                for ky in 0..<kernelHeight {
                    for kx in 0..<kernelWidth {
                        shifted[(kx * geometry.outChannels + o) * rows + c * kernelHeight + ky] =
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
                let packedLength = tileRows * span + slack
                let packed = workspaces[worker].floats(rows * (largestTile + slack))
                let image = input.pointer + n * imageSize + group * channels * planeSize
                for c in 0..<channels {
                    for ky in 0..<kernelHeight {
                        var destination = packed + (c * kernelHeight + ky) * packedLength
                        for oy in firstRow..<(firstRow + tileRows) {
                            let y = oy * geometry.strideY + ky * geometry.dilationY - geometry.padY
                            if let sourceRow = geometry.border.sourceIndex(y, count: height) {
                                let source = UnsafePointer(image + c * planeSize + sourceRow * width)
                                for q in 0..<geometry.padX {
                                    destination[q] = Im2col.edgeSample(source: source, index: q - geometry.padX, width: width,
                                                                       border: geometry.border)
                                    destination[geometry.padX + width + q] = Im2col.edgeSample(source: source, index: width + q, width: width,
                                                                                               border: geometry.border)
                                }
                                (destination + geometry.padX).update(from: source, count: width)
                            } else {
                                destination.update(repeating: 0, count: span)
                            }
                            destination += span
                        }
                        destination.update(repeating: 0, count: slack)
                    }
                }
                // Each output row: one GEMM per kernel column straight into the output's rows
                // (row-major: A [m × K'] weights at column kx, B [K' × outputWidth] the row's
                // packed samples shifted kx·dilation in, C [m × outputWidth] with ldc = H'·W').
                for r in 0..<tileRows {
                    let c = output.pointer + (n * geometry.outChannels + group * m) * outputPlane + (firstRow + r) * outputWidth
                    for kx in 0..<kernelWidth {
                        gemm.multiply(transposeA: false, transposeB: false, m: m, n: outputWidth, k: rows, alpha: 1,
                                      a: weights + (kx * geometry.outChannels + group * m) * rows, lda: rows,
                                      b: UnsafePointer(packed + r * span + kx * shift), ldb: packedLength,
                                      beta: kx == 0 ? 0 : 1, c: c, ldc: outputPlane)
                    }
                    finishTile(c, rows: m, rowStride: outputPlane, count: outputWidth, bias: bias, firstChannel: group * m,
                               activation: activation)
                }
            }
        }
    }
}
