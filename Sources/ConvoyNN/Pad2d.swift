import ConvoyTensor

/// Pads (or, with negative pads, crops) the channel, row and column axes, as ONNX `Pad` (pads as
/// an attribute before opset 11, as an input from 11 on; the importer resolves them) on an NCHW
/// tensor whose batch pads are 0:
///
///     input  [batch, channels, height, width]
///     output [batch, channels + channels.begin + channels.end,
///                    height + rows.begin + rows.end, width + columns.begin + columns.end]
///
/// ONNX's `pads` `[n_begin, c_begin, h_begin, w_begin, n_end, c_end, h_end, w_end]` map to
/// `channels = (c_begin, c_end)`, `rows = (h_begin, h_end)`, `columns = (w_begin, w_end)`.
/// Along each axis of input size `s`, output index `o` reads input index `i = o - begin`; when
/// `i` lies outside `0 ..< s` the mode decides (see `PadMode`): `constant` writes its value,
/// `edge` reads `clamp(i, 0, s - 1)`, `reflect` reads `i` mirrored about 0 and `s - 1` until it
/// is inside (`0` when `s == 1`), as numpy's `reflect`. A negative pad removes that many
/// samples from its side.
public final class Pad2d: Layer {
    /// Channels added before the first and after the last.
    public let channels: (begin: Int, end: Int)
    /// Rows added above and below.
    public let rows: (begin: Int, end: Int)
    /// Columns added left and right.
    public let columns: (begin: Int, end: Int)
    /// What the added samples hold.
    public let mode: PadMode

    /// Creates the layer. Pads that leave an empty axis are reported by
    /// `validatedOutputShape(for:)`.
    public init(channels: (begin: Int, end: Int) = (0, 0), rows: (begin: Int, end: Int), columns: (begin: Int, end: Int), mode: PadMode) {
        self.channels = channels
        self.rows = rows
        self.columns = columns
        self.mode = mode
    }

    /// The padded shape.
    ///
    /// - Precondition: rank 4, no axis left empty.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4, "Pad2d input must be rank 4 NCHW, got \(input)")
        let shape = Shape(input.n, input.c + channels.begin + channels.end, input.h + rows.begin + rows.end,
                          input.w + columns.begin + columns.end)
        precondition(shape.c >= 1 && shape.h >= 1 && shape.w >= 1, "Pad2d leaves \(input) empty: \(shape)")
        return shape
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4, negative pads leave an axis
    /// empty (or take more than the whole input), or a pad or the output is out of range.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        for (name, value) in [("channel pad", channels.begin), ("channel pad", channels.end), ("row pad", rows.begin),
                              ("row pad", rows.end), ("column pad", columns.begin), ("column pad", columns.end)] {
            try OutputSize.check(name, value)
        }
        let pads = [(input.c, channels), (input.h, rows), (input.w, columns)]
        for (size, pad) in pads where size + pad.begin + pad.end < 1 || -pad.begin >= size || -pad.end >= size {
            throw LayerConfigurationError.padsEmptyOutput(input: input, begin: [channels.begin, rows.begin, columns.begin],
                                                          end: [channels.end, rows.end, columns.end])
        }
        _ = try OutputSize.shape([input.n, input.c + channels.begin + channels.end, input.h + rows.begin + rows.end,
                                  input.w + columns.begin + columns.end], input: input)
        return outputShape(for: input)
    }

    /// For each output index along an axis of `size` input samples with `begin` added before:
    /// the input index it reads, or -1 for the constant.
    func sources(outputs: Int, size: Int, begin: Int) -> [Int] {
        (0..<outputs).map { o in
            var i = o - begin
            if i >= 0 && i < size {
                return i
            }
            switch mode {
            case .constant:
                return -1
            case .edge:
                return min(max(i, 0), size - 1)
            case .reflect:
                if size == 1 {
                    return 0
                }
                while i < 0 || i >= size {
                    i = i < 0 ? -i : 2 * (size - 1) - i
                }
                return i
            }
        }
    }

    /// Writes the padded input into `output`, which must not share storage with `input`.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "Pad2d output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage, "Pad2d cannot run in place")
        let (inChannels, height, width) = (input.shape.c, input.shape.h, input.shape.w)
        let channelSources = sources(outputs: shape.c, size: inChannels, begin: channels.begin)
        let rowSources = sources(outputs: shape.h, size: height, begin: rows.begin)
        let columnSources = sources(outputs: shape.w, size: width, begin: columns.begin)
        // The output columns that copy one contiguous run of input columns.
        let interior = max(0, columns.begin) ..< min(shape.w, columns.begin + width)
        let fill: Float
        if case .constant(let value) = mode { fill = value } else { fill = 0 }
        let (source, destination) = (UnsafePointer(input.pointer), output.pointer)
        let outputWidth = shape.w
        channelSources.withUnsafeBufferPointer { channelSources in
            rowSources.withUnsafeBufferPointer { rowSources in
                columnSources.withUnsafeBufferPointer { columnSources in
                    context.forEachTask(shape.n * shape.c, elements: shape.count) { plane in
                        let (n, c) = (plane / shape.c, plane % shape.c)
                        let to = destination + plane * shape.h * outputWidth
                        let inputChannel = channelSources[c]
                        guard inputChannel >= 0 else {
                            to.update(repeating: fill, count: shape.h * outputWidth)
                            return
                        }
                        let from = source + (n * inChannels + inputChannel) * height * width
                        for y in 0..<shape.h {
                            let line = to + y * outputWidth
                            let row = rowSources[y]
                            guard row >= 0 else {
                                line.update(repeating: fill, count: outputWidth)
                                continue
                            }
                            let read = from + row * width
                            for x in 0..<interior.lowerBound {
                                line[x] = columnSources[x] >= 0 ? read[columnSources[x]] : fill
                            }
                            if !interior.isEmpty {
                                (line + interior.lowerBound).update(from: read + (interior.lowerBound - columns.begin), count: interior.count)
                            }
                            for x in interior.upperBound..<outputWidth {
                                line[x] = columnSources[x] >= 0 ? read[columnSources[x]] : fill
                            }
                        }
                    }
                }
            }
        }
    }
}
