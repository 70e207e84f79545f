/// Lays out the receptive fields of a convolution as the columns of a matrix ("image to
/// columns"), so that the convolution becomes one matrix multiply.
///
/// For one image and one group, the full matrix has `rowsPerGroup` rows and `columnsPerImage`
/// columns:
///
/// - row `r = (cg * kernelHeight + i) * kernelWidth + j` is input channel
///   `group * inChannelsPerGroup + cg` read through kernel tap `(i, j)`, the same order as the
///   `[inChannels / groups, kernelHeight, kernelWidth]` tail of an OIHW weight, so a weight row
///   of the group times this matrix is the output;
/// - column `p = oy * outputWidth + ox` is output position `(oy, ox)`;
/// - the entry is input `(iy, ix) = (oy * strideY + i * dilationY - padY, ox * strideX +
///   j * dilationX - padX)`, resolved by the geometry's `BorderMode` when outside the image.
public enum Im2col {
    /// Writes columns `columnStart ..< columnStart + columnCount` of one image's im2col matrix
    /// for one group.
    ///
    /// - Parameters:
    ///   - geometry: the convolution.
    ///   - image: one input image, `[inChannels, inputHeight, inputWidth]` (all channels, not
    ///     only the group's).
    ///   - group: the channel group, `0 ..< geometry.groups`.
    ///   - columnStart: first output position packed (`oy * outputWidth + ox`).
    ///   - columnCount: number of output positions packed; the tile may start and end mid-row.
    ///   - columns: destination, row-major `[rowsPerGroup × columnCount]` (leading dimension
    ///     `columnCount`).
    public static func pack(
        geometry: Conv2dGeometry,
        image: UnsafePointer<Float>,
        group: Int,
        columnStart: Int,
        columnCount: Int,
        into columns: UnsafeMutablePointer<Float>
    ) {
        precondition(group >= 0 && group < geometry.groups, "Im2col: group \(group) out of 0..<\(geometry.groups)")
        precondition(
            columnStart >= 0 && columnCount >= 0 && columnStart + columnCount <= geometry.columnsPerImage,
            "Im2col: columns \(columnStart)..<\(columnStart + columnCount) outside 0..<\(geometry.columnsPerImage)"
        )
        if columnCount == 0 {
            return
        }
        let height = geometry.inputHeight
        let width = geometry.inputWidth
        let outputWidth = geometry.outputWidth
        let planeSize = height * width
        let firstRow = columnStart / outputWidth
        let lastRow = (columnStart + columnCount - 1) / outputWidth
        let columnEnd = columnStart + columnCount

        for channelInGroup in 0..<geometry.inChannelsPerGroup {
            let plane = image + (group * geometry.inChannelsPerGroup + channelInGroup) * planeSize
            for i in 0..<geometry.kernelHeight {
                let yOffset = i * geometry.dilationY - geometry.padY
                for j in 0..<geometry.kernelWidth {
                    let xOffset = j * geometry.dilationX - geometry.padX
                    let interior = interiorRange(offset: xOffset, stride: geometry.strideX, extent: width, outputs: outputWidth)
                    let row = (channelInGroup * geometry.kernelHeight + i) * geometry.kernelWidth + j
                    var destination = columns + row * columnCount
                    for oy in firstRow...lastRow {
                        let rowStart = oy * outputWidth
                        let oxBegin = max(columnStart, rowStart) - rowStart
                        let oxEnd = min(columnEnd, rowStart + outputWidth) - rowStart
                        let span = oxEnd - oxBegin
                        if let sourceRow = geometry.border.sourceIndex(oy * geometry.strideY + yOffset, count: height) {
                            packRow(
                                source: plane + sourceRow * width,
                                width: width,
                                xOffset: xOffset,
                                stride: geometry.strideX,
                                border: geometry.border,
                                interior: interior,
                                oxBegin: oxBegin,
                                oxEnd: oxEnd,
                                into: destination
                            )
                        } else {
                            destination.update(repeating: 0, count: span)
                        }
                        destination += span
                    }
                }
            }
        }
    }

    /// The output columns `lo ..< hi` whose input column `ox * stride + offset` lies inside
    /// `0 ..< extent`, clamped to `0 ..< outputs` (possibly empty, with `lo == hi`).
    @inline(__always)
    static func interiorRange(offset: Int, stride: Int, extent: Int, outputs: Int) -> (lo: Int, hi: Int) {
        // ox * stride + offset >= 0          <=>  ox >= ceil(-offset / stride)
        // ox * stride + offset <= extent - 1 <=>  ox <= floor((extent - 1 - offset) / stride)
        let lo = min(max(ceilDivide(-offset, stride), 0), outputs)
        let hi = max(min(floorDivide(extent - 1 - offset, stride) + 1, outputs), lo)
        return (lo, hi)
    }

    /// Copies output columns `oxBegin ..< oxEnd` of one kernel tap from one input row: a
    /// contiguous or strided copy for the interior, border resolution only at the edges.
    @inline(__always)
    static func packRow(
        source: UnsafePointer<Float>,
        width: Int,
        xOffset: Int,
        stride: Int,
        border: BorderMode,
        interior: (lo: Int, hi: Int),
        oxBegin: Int,
        oxEnd: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        var out = destination
        let leftEnd = min(interior.lo, oxEnd)
        var ox = oxBegin
        while ox < leftEnd {
            out.pointee = edgeSample(source: source, index: ox * stride + xOffset, width: width, border: border)
            out += 1
            ox += 1
        }
        let middleEnd = min(interior.hi, oxEnd)
        if ox < middleEnd {
            let count = middleEnd - ox
            let first = source + (ox * stride + xOffset)
            if stride == 1 {
                out.update(from: first, count: count)
            } else {
                for t in 0..<count {
                    out[t] = first[t * stride]
                }
            }
            out += count
            ox = middleEnd
        }
        while ox < oxEnd {
            out.pointee = edgeSample(source: source, index: ox * stride + xOffset, width: width, border: border)
            out += 1
            ox += 1
        }
    }

    @inline(__always)
    static func edgeSample(source: UnsafePointer<Float>, index: Int, width: Int, border: BorderMode) -> Float {
        if let column = border.sourceIndex(index, count: width) {
            return source[column]
        }
        return 0
    }

    @inline(__always)
    static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    @inline(__always)
    static func ceilDivide(_ a: Int, _ b: Int) -> Int {
        -floorDivide(-a, b)
    }
}
