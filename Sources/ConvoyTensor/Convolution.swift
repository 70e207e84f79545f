import Dispatch

/// The fast 2-D convolution, computed as deep-learning frameworks do: im2col into a reusable
/// workspace, then a matrix multiply (SGEMM) per tile.
///
/// Same result as `DirectConvolution` (correlation, PyTorch semantics) up to float rounding.
///
/// For each image `n` and group `g`, the output positions are walked in tiles of at most
/// `workspace.tileColumns` columns (narrower when `workspace.tileFloatBudget` asks for
/// cache-sized tiles; see `Workspace.columnsPerTile(rows:columns:)`). Each tile is packed by
/// `Im2col.pack` into the workspace and multiplied by the group's weights, writing straight into
/// the NCHW output:
///
///     C[M × tileN] = A[M × K] · B[K × tileN] (+ bias)
///
/// - `M = outChannelsPerGroup`: A is the group's weight rows, row-major `[M × K]`, `lda = K`
///   (the OIHW weight needs no reordering);
/// - `K = rowsPerGroup = inChannelsPerGroup · kernelHeight · kernelWidth`: B is the packed tile,
///   row-major `[K × tileN]`, `ldb = tileN`;
/// - `N = tileN`: C is row-major `[M × tileN]` inside the output, starting at
///   `(n, g · M, tileStart)`, with `ldc = outputHeight · outputWidth`.
///
/// The workspace therefore never holds more than `K × tileColumns` floats, whatever the batch or
/// frame size. A pointwise layer (1×1 kernel, stride 1, no padding) skips im2col and the
/// workspace: its B is the group's input channels themselves, `[K × H·W]` with
/// `ldb = inputHeight · inputWidth`, in one GEMM per image and group.
public enum Convolution {
    /// Convolves a batch into a preallocated output.
    ///
    /// - Parameters:
    ///   - input: `[batch, inChannels, inputHeight, inputWidth]` (NCHW).
    ///   - weight: `[outChannels, inChannels / groups, kernelHeight, kernelWidth]` (OIHW).
    ///   - bias: `[outChannels]`, or `nil` for none.
    ///   - geometry: sizes, stride, padding, dilation, groups and border mode.
    ///   - output: `[batch, outChannels, outputHeight, outputWidth]`, overwritten; must not share
    ///     storage with `input` or `weight`.
    ///   - workspace: scratch for im2col tiles; its `columnsPerTile(rows:columns:)` sets the tile
    ///     size.
    ///   - gemm: the matrix multiplier.
    public static func forward(
        input: Tensor,
        weight: Tensor,
        bias: Tensor?,
        geometry: Conv2dGeometry,
        output: Tensor,
        workspace: Workspace,
        gemm: MatrixMultiplier,
        activation: ConvolutionActivation = .none
    ) {
        forward(input: input, weight: weight, bias: bias, geometry: geometry, output: output,
                workspaces: [workspace], gemm: gemm, activation: activation)
    }

    /// Convolves a batch into a preallocated output, sharing the tiles among one worker thread per
    /// workspace, and applies `activation` to each tile after its GEMM (bias first).
    ///
    /// The tiles of all images and groups are taken in turn by `workspaces.count` workers
    /// (`TaskQueue`); each packs its tiles into its own workspace and runs its own single-threaded GEMMs
    /// (`MatrixMultiplier.prepareWorkerThread()`), so im2col and GEMM both use every worker and no
    /// GEMM library threads wait idle between calls. Tiles write disjoint parts of the output.
    public static func forward(
        input: Tensor,
        weight: Tensor,
        bias: Tensor?,
        geometry: Conv2dGeometry,
        output: Tensor,
        workspaces: [Workspace],
        gemm: MatrixMultiplier,
        activation: ConvolutionActivation = .none
    ) {
        checkOperands(input: input, weight: weight, bias: bias, geometry: geometry, output: output,
                      outputShape: geometry.outputShape, workspaces: workspaces)

        if takesRowShifted(geometry) {
            forwardRowShifted(input: input, weight: weight, bias: bias, geometry: geometry, output: output,
                              workspaces: workspaces, gemm: gemm, activation: activation)
            return
        }
        let k = geometry.rowsPerGroup
        let columnsPerImage = geometry.columnsPerImage
        let pointwise = geometry.isPointwise
        let tile = pointwise ? columnsPerImage : workspaces[0].columnsPerTile(rows: k, columns: columnsPerImage)
        let tilesPerGroup = (columnsPerImage + tile - 1) / tile
        let tasks = geometry.batch * geometry.groups * tilesPerGroup
        let workers = min(workspaces.count, tasks)

        // Workers take tiles from a shared queue: with tiles dealt in advance, a worker whose core
        // another process took held back its whole share.
        TaskQueue.run(tasks: tasks, workers: workers, prepare: { _ in if workers > 1 { gemm.prepareWorkerThread() } }) { worker, task in
            let columns: UnsafeMutablePointer<Float>? = pointwise ? nil : workspaces[worker].floats(k * tile)
            let tileIndex = task % tilesPerGroup
            let group = (task / tilesPerGroup) % geometry.groups
            let n = task / (tilesPerGroup * geometry.groups)
            let tileStart = tileIndex * tile
            convolveTile(input: input, weight: weight, bias: bias, geometry: geometry, output: output,
                         n: n, group: group, tileStart: tileStart, tileN: min(tile, columnsPerImage - tileStart),
                         columns: columns, gemm: gemm, activation: activation)
        }
    }

    /// The shape and aliasing checks every forward entry point makes; `outputShape` is the shape
    /// the output must have (the geometry's, or halved when pooled).
    static func checkOperands(input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2dGeometry, output: Tensor,
                              outputShape: Shape, workspaces: [Workspace]) {
        precondition(!workspaces.isEmpty, "Convolution needs at least one workspace")
        precondition(input.shape == geometry.inputShape, "Input \(input.shape) does not match geometry \(geometry.inputShape)")
        precondition(weight.shape == geometry.weightShape, "Weight \(weight.shape) does not match geometry \(geometry.weightShape)")
        precondition(output.shape == outputShape, "Output \(output.shape) must be \(outputShape) for geometry \(geometry.outputShape)")
        if let bias = bias {
            precondition(bias.shape == Shape(geometry.outChannels), "Bias \(bias.shape) must be [\(geometry.outChannels)]")
        }
        precondition(
            output.storage !== input.storage && output.storage !== weight.storage,
            "Convolution output must not share storage with its input or weight"
        )
    }

    /// One tile: im2col of output positions `tileStart ..< tileStart + tileN` of image `n`, group
    /// `group`, then one GEMM writing them into the output.
    private static func convolveTile(
        input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2dGeometry, output: Tensor,
        n: Int, group: Int, tileStart: Int, tileN: Int, columns: UnsafeMutablePointer<Float>?, gemm: MatrixMultiplier,
        activation: ConvolutionActivation
    ) {
        let m = geometry.outChannelsPerGroup
        let k = geometry.rowsPerGroup
        let columnsPerImage = geometry.columnsPerImage
        let imageSize = geometry.inChannels * geometry.inputHeight * geometry.inputWidth
        let groupInputSize = geometry.inChannelsPerGroup * geometry.inputHeight * geometry.inputWidth
        let image = UnsafePointer(input.pointer + n * imageSize)
        let groupWeights = UnsafePointer(weight.pointer + group * m * k)
        let groupOutput = output.pointer + (n * geometry.outChannels + group * m) * columnsPerImage
        let b: UnsafePointer<Float>
        let ldb: Int
        if let columns = columns {
            Im2col.pack(geometry: geometry, image: image, group: group, columnStart: tileStart, columnCount: tileN, into: columns)
            b = UnsafePointer(columns)
            ldb = tileN
        } else {
            b = image + group * groupInputSize + tileStart
            ldb = columnsPerImage
        }
        let c = groupOutput + tileStart
        // Row-major: A [m × k] weights, B [k × tileN] columns, C [m × tileN] output.
        gemm.multiply(
            transposeA: false,
            transposeB: false,
            m: m,
            n: tileN,
            k: k,
            alpha: 1,
            a: groupWeights,
            lda: k,
            b: b,
            ldb: ldb,
            beta: 0,
            c: c,
            ldc: columnsPerImage
        )
        // Bias and activation in one pass over the tile, which the GEMM has just left in cache.
        finishTile(c, rows: m, rowStride: columnsPerImage, count: tileN, bias: bias, firstChannel: group * m,
                   activation: activation)
    }

    /// Adds channel `firstChannel + row`'s bias to each of `rows` rows of `count` outputs and
    /// applies `activation`, in place (rows `rowStride` apart): what follows each GEMM here, and
    /// the bias of a transposed convolution's output planes.
    public static func finishTile(_ c: UnsafeMutablePointer<Float>, rows: Int, rowStride: Int, count: Int, bias: Tensor?,
                           firstChannel: Int, activation: ConvolutionActivation) {
        guard bias != nil || activation != .none else { return }
        for row in 0..<rows {
            let line = c + row * rowStride
            let shift = bias.map { $0.pointer[firstChannel + row] } ?? 0
            switch activation {
            case .none:
                for i in 0..<count { line[i] += shift }
            case .relu:
                for i in 0..<count { line[i] = max(line[i] + shift, 0) }
            }
        }
    }
}
