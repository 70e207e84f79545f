extension Convolution {
    /// The backward pass of `forward` (without activation): from the gradient of the loss with
    /// respect to the output, adds the gradients with respect to the input, the weight and the
    /// bias to the tensors given (each may be `nil` when not wanted).
    ///
    /// For each image `n`, group `g` and tile of output positions (the tiles `forward` uses, from
    /// `workspace.columnsPerTile(rows:columns:)`), with `X` the tile's im2col matrix
    /// `[K × tileN]` (`Im2col.pack`), `dY` the tile of the output gradient `[M × tileN]` inside
    /// the NCHW gradient (`ld = outputHeight · outputWidth`) and `W` the group's weight rows
    /// `[M × K]` (M, K as in `forward`):
    ///
    /// - weight gradient, one GEMM accumulated over tiles and images (`beta = 1`):
    ///   `dW[M × K] += dY[M × tileN] · Xᵀ[tileN × K]` — A = dY row-major, `lda = H'·W'`;
    ///   B = X stored row-major `[K × tileN]` and used transposed, `ldb = tileN`; C = dW, `ldc = K`;
    /// - input gradient, one GEMM then `Col2im.accumulate` into the image's gradient:
    ///   `dX[K × tileN] = Wᵀ[K × M] · dY[M × tileN]` — A = W stored row-major `[M × K]` and used
    ///   transposed, `lda = K`; B = dY, `ldb = H'·W'`; C = the workspace, `ldc = tileN`;
    /// - bias gradient: `db[o] += Σ over n, y, x of dY[n, o, y, x]`.
    ///
    /// All three gradients are added to (`+=`), never overwritten: zero them first. The
    /// workspace holds two tiles (`2 · K · tileN` floats) at a time.
    ///
    /// - Parameters:
    ///   - input: `[batch, inChannels, inputHeight, inputWidth]`, the forward input.
    ///   - weight: `[outChannels, inChannels / groups, kernelHeight, kernelWidth]` (OIHW).
    ///   - geometry: as for `forward`.
    ///   - outputGradient: `[batch, outChannels, outputHeight, outputWidth]`.
    ///   - inputGradient: `[batch, inChannels, inputHeight, inputWidth]`, or `nil`.
    ///   - weightGradient: shaped as `weight`, or `nil`.
    ///   - biasGradient: `[outChannels]`, or `nil`.
    ///   - workspace: scratch for the im2col tiles.
    ///   - gemm: the matrix multiplier.
    public static func backward(
        input: Tensor,
        weight: Tensor,
        geometry: Conv2dGeometry,
        outputGradient: Tensor,
        inputGradient: Tensor?,
        weightGradient: Tensor?,
        biasGradient: Tensor?,
        workspace: Workspace,
        gemm: MatrixMultiplier
    ) {
        precondition(input.shape == geometry.inputShape, "Input \(input.shape) does not match geometry \(geometry.inputShape)")
        precondition(weight.shape == geometry.weightShape, "Weight \(weight.shape) does not match geometry \(geometry.weightShape)")
        precondition(outputGradient.shape == geometry.outputShape,
                     "Output gradient \(outputGradient.shape) does not match geometry \(geometry.outputShape)")
        if let inputGradient = inputGradient {
            precondition(inputGradient.shape == geometry.inputShape, "Input gradient \(inputGradient.shape) must be \(geometry.inputShape)")
        }
        if let weightGradient = weightGradient {
            precondition(weightGradient.shape == geometry.weightShape, "Weight gradient \(weightGradient.shape) must be \(geometry.weightShape)")
        }
        if let biasGradient = biasGradient {
            precondition(biasGradient.shape == Shape(geometry.outChannels), "Bias gradient \(biasGradient.shape) must be [\(geometry.outChannels)]")
        }

        let m = geometry.outChannelsPerGroup
        let k = geometry.rowsPerGroup
        let columnsPerImage = geometry.columnsPerImage
        let imageSize = geometry.inChannels * geometry.inputHeight * geometry.inputWidth

        if let biasGradient = biasGradient {
            for n in 0..<geometry.batch {
                for o in 0..<geometry.outChannels {
                    let line = outputGradient.pointer + (n * geometry.outChannels + o) * columnsPerImage
                    var sum: Float = 0
                    for i in 0..<columnsPerImage { sum += line[i] }
                    biasGradient.pointer[o] += sum
                }
            }
        }
        guard inputGradient != nil || weightGradient != nil else { return }

        let tile = workspace.columnsPerTile(rows: k, columns: columnsPerImage)
        let scratch = workspace.floats(2 * k * tile)
        let columns = scratch
        let columnGradient = scratch + k * tile
        for n in 0..<geometry.batch {
            let image = UnsafePointer(input.pointer + n * imageSize)
            for group in 0..<geometry.groups {
                let groupWeights = UnsafePointer(weight.pointer + group * m * k)
                let groupOutputGradient = UnsafePointer(outputGradient.pointer + (n * geometry.outChannels + group * m) * columnsPerImage)
                var tileStart = 0
                while tileStart < columnsPerImage {
                    let tileN = min(tile, columnsPerImage - tileStart)
                    let dY = groupOutputGradient + tileStart
                    if let weightGradient = weightGradient {
                        Im2col.pack(geometry: geometry, image: image, group: group, columnStart: tileStart, columnCount: tileN, into: columns)
                        // Row-major: A [m × tileN] output gradient, B [k × tileN] used as its
                        // transpose, C [m × k] weight gradient, accumulated.
                        gemm.multiply(
                            transposeA: false, transposeB: true,
                            m: m, n: k, k: tileN,
                            alpha: 1,
                            a: dY, lda: columnsPerImage,
                            b: UnsafePointer(columns), ldb: tileN,
                            beta: 1,
                            c: weightGradient.pointer + group * m * k, ldc: k
                        )
                    }
                    if let inputGradient = inputGradient {
                        // Row-major: A [m × k] weights used as their transpose, B [m × tileN]
                        // output gradient, C [k × tileN] gradient of the im2col tile.
                        gemm.multiply(
                            transposeA: true, transposeB: false,
                            m: k, n: tileN, k: m,
                            alpha: 1,
                            a: groupWeights, lda: k,
                            b: dY, ldb: columnsPerImage,
                            beta: 0,
                            c: columnGradient, ldc: tileN
                        )
                        Col2im.accumulate(geometry: geometry, columns: UnsafePointer(columnGradient), group: group,
                                          columnStart: tileStart, columnCount: tileN,
                                          into: inputGradient.pointer + n * imageSize)
                    }
                    tileStart += tileN
                }
            }
        }
    }
}
