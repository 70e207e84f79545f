import ConvoyTensor

/// Numpy broadcasting of two rank-4 NCHW operands, as ONNX's multidirectional broadcasting
/// (opset 7 on) applies it to images: along each axis the sizes are equal, or one of them is 1
/// and that operand's single entry is repeated. `[N, C, H, W]` with `[N, C, 1, 1]` (a
/// squeeze-and-excite gate), `[1, C, 1, 1]` (a per-channel constant), `[N, 1, H, W]` (a spatial
/// mask), `[1, 1, 1, 1]` (a scalar) or the same shape, in either order.
enum Broadcast {
    /// The broadcast shape of `a` and `b` (both rank 4), or nil when some axis has two sizes
    /// neither of which is 1.
    static func shape(_ a: Shape, _ b: Shape) -> Shape? {
        precondition(a.rank == 4 && b.rank == 4, "Broadcast needs rank-4 shapes, got \(a) and \(b)")
        var dims: [Int] = []
        for axis in 0..<4 {
            let (x, y) = (a[axis], b[axis])
            guard x == y || x == 1 || y == 1 else {
                return nil
            }
            dims.append(x == 1 ? y : x)
        }
        return Shape(dims)
    }

    /// The step, in elements of `operand`, for one step of each axis of the broadcast output:
    /// 0 along axes where `operand` has size 1.
    private static func strides(_ operand: Shape) -> (n: Int, c: Int, h: Int, w: Int) {
        let (c, h, w) = (operand.c, operand.h, operand.w)
        return (operand.n == 1 ? 0 : c * h * w, c == 1 ? 0 : h * w, h == 1 ? 0 : w, w == 1 ? 0 : 1)
    }

    /// Writes `operation(a, b)`, broadcast, into `output` (of the broadcast shape), in parallel
    /// over bands of output rows. `output` may share storage with an operand of its own shape.
    static func apply(_ operation: BinaryOperation, _ a: Tensor, _ b: Tensor, into output: Tensor, context: ExecutionContext) {
        guard let shape = shape(a.shape, b.shape) else {
            preconditionFailure("\(a.shape) and \(b.shape) do not broadcast")
        }
        precondition(output.shape == shape, "broadcast \(operation.rawValue) output \(output.shape) must be \(shape)")
        let (sa, sb) = (strides(a.shape), strides(b.shape))
        let (left, right, destination) = (UnsafePointer(a.pointer), UnsafePointer(b.pointer), output.pointer)
        let (channels, height, width) = (shape.c, shape.h, shape.w)
        let rows = shape.n * channels * height
        let rowsPerTask = max(1, (1 << 14) / max(width, 1))
        let tasks = (rows + rowsPerTask - 1) / rowsPerTask
        context.forEachTask(tasks, elements: shape.count) { task in
            for row in task * rowsPerTask..<min((task + 1) * rowsPerTask, rows) {
                let (y, c, n) = (row % height, (row / height) % channels, row / (height * channels))
                let pa = left + n * sa.n + c * sa.c + y * sa.h
                let pb = right + n * sb.n + c * sb.c + y * sb.h
                let to = destination + row * width
                switch (sa.w, sb.w) {
                case (1, 1):
                    for x in 0..<width { to[x] = operation.apply(pa[x], pb[x]) }
                case (1, _):
                    let value = pb[0]
                    for x in 0..<width { to[x] = operation.apply(pa[x], value) }
                case (_, 1):
                    let value = pa[0]
                    for x in 0..<width { to[x] = operation.apply(value, pb[x]) }
                default:
                    let value = operation.apply(pa[0], pb[0])
                    for x in 0..<width { to[x] = value }
                }
            }
        }
    }
}
