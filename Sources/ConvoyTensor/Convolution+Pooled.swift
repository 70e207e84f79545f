extension Convolution {
    /// Convolves a batch, applies `activation`, and max-pools 2×2 with stride 2 (floor mode),
    /// writing only the pooled output: what `forward` followed by a 2×2 max pool gives, without
    /// the full-size output ever reaching memory.
    ///
    /// The tiles are whole pairs of output rows (as many as the workspace's tile budget holds,
    /// counting the GEMM result with the im2col rows: `(K + M) × tileN` floats per worker). Each
    /// tile is packed by `Im2col.pack`, multiplied into the workspace behind the im2col rows
    ///
    ///     C[M × tileN] = A[M × K] · B[K × tileN],  ldc = tileN
    ///
    /// then is pooled by `MaxPool2x2` into the output, where the pooled rows get their bias and
    /// activation (which commute with the max). An odd last output row or column, which the pool
    /// drops, is not computed.
    ///
    /// - Parameters:
    ///   - output: `[batch, outChannels, outputHeight / 2, outputWidth / 2]`, overwritten.
    ///   - Other parameters as `forward(input:weight:bias:geometry:output:workspaces:gemm:activation:)`.
    public static func forwardPooled(
        input: Tensor,
        weight: Tensor,
        bias: Tensor?,
        geometry: Conv2dGeometry,
        output: Tensor,
        workspaces: [Workspace],
        gemm: MatrixMultiplier,
        activation: ConvolutionActivation
    ) {
        let pooledHeight = geometry.outputHeight / 2, pooledWidth = geometry.outputWidth / 2
        checkOperands(input: input, weight: weight, bias: bias, geometry: geometry, output: output,
                      outputShape: Shape(geometry.batch, geometry.outChannels, pooledHeight, pooledWidth), workspaces: workspaces)
        guard pooledHeight > 0, pooledWidth > 0 else { return }

        let m = geometry.outChannelsPerGroup
        let k = geometry.rowsPerGroup
        let outputWidth = geometry.outputWidth
        let pairColumns = 2 * outputWidth
        let budget = workspaces[0].columnsPerTile(rows: k + m, columns: pairColumns * pooledHeight)
        let pairsPerTile = max(1, budget / pairColumns)
        let tilesPerGroup = (pooledHeight + pairsPerTile - 1) / pairsPerTile
        let tasks = geometry.batch * geometry.groups * tilesPerGroup
        let workers = min(workspaces.count, tasks)
        let imageSize = geometry.inChannels * geometry.inputHeight * geometry.inputWidth
        let pooledPlane = pooledHeight * pooledWidth

        TaskQueue.run(tasks: tasks, workers: workers, prepare: { _ in if workers > 1 { gemm.prepareWorkerThread() } }) { worker, task in
            let firstPair = (task % tilesPerGroup) * pairsPerTile
            let pairs = min(pairsPerTile, pooledHeight - firstPair)
            let group = (task / tilesPerGroup) % geometry.groups
            let n = task / (tilesPerGroup * geometry.groups)
            let tileN = pairs * pairColumns
            let columns = workspaces[worker].floats((k + m) * pairsPerTile * pairColumns)
            let result = columns + k * tileN
            Im2col.pack(geometry: geometry, image: UnsafePointer(input.pointer + n * imageSize), group: group,
                        columnStart: firstPair * pairColumns, columnCount: tileN, into: columns)
            // Row-major: A [m × k] weights, B [k × tileN] columns, C [m × tileN] in the workspace.
            gemm.multiply(transposeA: false, transposeB: false, m: m, n: tileN, k: k, alpha: 1,
                          a: UnsafePointer(weight.pointer + group * m * k), lda: k, b: UnsafePointer(columns), ldb: tileN,
                          beta: 0, c: result, ldc: tileN)
            // Pool, then bias and activation on a quarter of the values: adding a channel's bias
            // and ReLU are non-decreasing, so they commute with the max (NaN stays NaN either way).
            let pooledStart = output.pointer + (n * geometry.outChannels + group * m) * pooledPlane + firstPair * pooledWidth
            for row in 0..<m {
                MaxPool2x2.pool(UnsafePointer(result + row * tileN), inputWidth: outputWidth,
                                into: pooledStart + row * pooledPlane, outputHeight: pairs, outputWidth: pooledWidth)
            }
            finishTile(pooledStart, rows: m, rowStride: pooledPlane, count: pairs * pooledWidth, bias: bias,
                       firstChannel: group * m, activation: activation)
        }
    }
}
