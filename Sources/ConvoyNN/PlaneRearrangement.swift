import ConvoyTensor

/// The copies behind `DepthToSpace`, `PixelShuffle`, `SpaceToDepth` and `ChannelShuffle`: each
/// moves whole planes, or every `b`-th sample of a plane, from one channel to another, and they
/// differ only in which channel goes where. Tensors are `[N, C, H, W]`; `output` must not share
/// storage with `input`.
enum PlaneRearrangement {
    /// Spreads channels into space, `input` `[N, C·b², H, W]` → `output` `[N, C, H·b, W·b]`:
    ///
    ///     output[n, c, y·b + i, x·b + j] = input[n, source(c, i, j), y, x]     (0 <= i, j < b)
    ///
    /// with `source` giving a channel of `0 ..< C·b²`. One task per output plane; `b` = 1 copies
    /// whole planes (a channel permutation).
    static func spread(_ input: Tensor, into output: Tensor, blockSize b: Int, context: ExecutionContext,
                       source: (_ channel: Int, _ i: Int, _ j: Int) -> Int) {
        let channels = output.shape.c
        let (height, width) = (input.shape.h, input.shape.w)
        let plane = height * width
        let outputWidth = width * b
        let (from, to) = (UnsafePointer(input.pointer), output.pointer)
        context.forEachTask(output.shape.n * channels, elements: output.count) { outputPlane in
            let (n, c) = (outputPlane / channels, outputPlane % channels)
            let target = to + outputPlane * plane * b * b
            for i in 0..<b {
                for j in 0..<b {
                    let origin = from + (n * channels * b * b + source(c, i, j)) * plane
                    guard b > 1 else {
                        target.update(from: origin, count: plane)
                        continue
                    }
                    for y in 0..<height {
                        let line = origin + y * width
                        let row = target + (y * b + i) * outputWidth + j
                        for x in 0..<width {
                            row[x * b] = line[x]
                        }
                    }
                }
            }
        }
    }

    /// Gathers space into channels, `input` `[N, C, H·b, W·b]` → `output` `[N, C·b², H, W]`:
    ///
    ///     output[n, target(c, i, j), y, x] = input[n, c, y·b + i, x·b + j]     (0 <= i, j < b)
    ///
    /// with `target` giving a channel of `0 ..< C·b²`. One task per input plane.
    static func gather(_ input: Tensor, into output: Tensor, blockSize b: Int, context: ExecutionContext,
                       target: (_ channel: Int, _ i: Int, _ j: Int) -> Int) {
        let channels = input.shape.c
        let (height, width) = (output.shape.h, output.shape.w)
        let inputWidth = input.shape.w
        let plane = height * width
        let (from, to) = (UnsafePointer(input.pointer), output.pointer)
        context.forEachTask(input.shape.n * channels, elements: output.count) { inputPlane in
            let (n, c) = (inputPlane / channels, inputPlane % channels)
            let origin = from + inputPlane * plane * b * b
            for i in 0..<b {
                for j in 0..<b {
                    let destination = to + (n * channels * b * b + target(c, i, j)) * plane
                    for y in 0..<height {
                        let line = origin + (y * b + i) * inputWidth + j
                        let row = destination + y * width
                        for x in 0..<width {
                            row[x] = line[x * b]
                        }
                    }
                }
            }
        }
    }
}
