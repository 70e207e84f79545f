import Dispatch

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
        backward(input: input, weight: weight, geometry: geometry, outputGradient: outputGradient,
                 inputGradient: inputGradient, weightGradient: weightGradient, biasGradient: biasGradient,
                 workspaces: [workspace], gemm: gemm)
    }

    /// `backward` with the images shared among one worker thread per workspace: each worker
    /// runs the tiles of its images (images `w, w + workers, …`) with single-threaded GEMMs
    /// (`MatrixMultiplier.prepareWorkerThread()`), writes those images' input gradients, and
    /// accumulates its own weight gradient, summed into `weightGradient` at the end. With one
    /// workspace or one image everything runs on the calling thread.
    public static func backward(
        input: Tensor,
        weight: Tensor,
        geometry: Conv2dGeometry,
        outputGradient: Tensor,
        inputGradient: Tensor?,
        weightGradient: Tensor?,
        biasGradient: Tensor?,
        workspaces: [Workspace],
        gemm: MatrixMultiplier
    ) {
        precondition(!workspaces.isEmpty, "Convolution.backward needs at least one workspace")
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

        let columnsPerImage = geometry.columnsPerImage
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

        let workers = min(workspaces.count, geometry.batch)
        if workers <= 1 {
            backwardImages(0..<geometry.batch, step: 1, input: input, weight: weight, geometry: geometry,
                           outputGradient: outputGradient, inputGradient: inputGradient,
                           weightGradient: weightGradient?.pointer, workspace: workspaces[0], gemm: gemm)
            return
        }
        // Each worker's own weight gradient, summed below.
        let partials = weightGradient.map { gradient in (0..<workers).map { _ in Tensor(shape: gradient.shape) } }
        // Task t takes images t, t + workers, … into its own partial; a thread's workspace is its own.
        TaskQueue.run(tasks: workers, workers: workers, prepare: { _ in gemm.prepareWorkerThread() }) { worker, task in
            backwardImages(task..<geometry.batch, step: workers, input: input, weight: weight, geometry: geometry,
                           outputGradient: outputGradient, inputGradient: inputGradient,
                           weightGradient: partials?[task].pointer, workspace: workspaces[worker], gemm: gemm)
        }
        if let weightGradient = weightGradient, let partials = partials {
            let total = weightGradient.pointer
            for partial in partials {
                let values = partial.pointer
                for i in 0..<weightGradient.count { total[i] += values[i] }
            }
        }
    }

    /// The tiles of images `images` (every `step`-th), as `backward` describes them; adds to
    /// `weightGradient` (`[outChannels, inChannels / groups, kh, kw]`) and to those images'
    /// slices of `inputGradient`.
    private static func backwardImages(
        _ images: Range<Int>, step: Int, input: Tensor, weight: Tensor, geometry: Conv2dGeometry, outputGradient: Tensor,
        inputGradient: Tensor?, weightGradient: UnsafeMutablePointer<Float>?, workspace: Workspace, gemm: MatrixMultiplier
    ) {
        let m = geometry.outChannelsPerGroup
        let k = geometry.rowsPerGroup
        let columnsPerImage = geometry.columnsPerImage
        let imageSize = geometry.inChannels * geometry.inputHeight * geometry.inputWidth
        let tile = workspace.columnsPerTile(rows: k, columns: columnsPerImage)
        let scratch = workspace.floats(2 * k * tile)
        let columns = scratch
        let columnGradient = scratch + k * tile
        for n in stride(from: images.lowerBound, to: images.upperBound, by: step) {
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
                            c: weightGradient + group * m * k, ldc: k
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
