/// The adjoint of `Im2col`: scatters the columns of an im2col matrix back onto the image they
/// were read from, adding every entry to the input sample it came from ("columns to image").
///
/// With the same `Conv2dGeometry`, group and tile, `Col2im.accumulate` is the transpose of
/// `Im2col.pack`: for any image `x` and columns `y`,
///
///     <Im2col.pack(x), y> == <x, Col2im.accumulate(y)>
///
/// An entry of row `r = (cg * kernelHeight + i) * kernelWidth + j` and column `p = oy *
/// outputWidth + ox` is added to input sample `(iy, ix) = (oy * strideY + i * dilationY - padY,
/// ox * strideX + j * dilationX - padX)` of channel `group * inChannelsPerGroup + cg`, resolved
/// by the geometry's `BorderMode` exactly as `Im2col` reads it: with `zero` padding, entries
/// that fall in the padding are dropped; with `replicate` or `reflect` they are added to the
/// edge or mirrored sample that was read. This is how the input gradient of a convolution is
/// formed from the gradient of its im2col matrix.
public enum Col2im {
    /// Adds columns `columnStart ..< columnStart + columnCount` of one image's im2col matrix for
    /// one group onto that image.
    ///
    /// - Parameters:
    ///   - geometry: the convolution.
    ///   - columns: source, row-major `[rowsPerGroup × columnCount]` (leading dimension
    ///     `columnCount`), laid out as `Im2col.pack` writes it.
    ///   - group: the channel group, `0 ..< geometry.groups`.
    ///   - columnStart: first output position of the tile (`oy * outputWidth + ox`).
    ///   - columnCount: number of output positions in the tile; may start and end mid-row.
    ///   - image: one image, `[inChannels, inputHeight, inputWidth]` (all channels); only the
    ///     group's channels are touched, and they are added to, not overwritten.
    public static func accumulate(
        geometry: Conv2dGeometry,
        columns: UnsafePointer<Float>,
        group: Int,
        columnStart: Int,
        columnCount: Int,
        into image: UnsafeMutablePointer<Float>
    ) {
        precondition(group >= 0 && group < geometry.groups, "Col2im: group \(group) out of 0..<\(geometry.groups)")
        precondition(
            columnStart >= 0 && columnCount >= 0 && columnStart + columnCount <= geometry.columnsPerImage,
            "Col2im: columns \(columnStart)..<\(columnStart + columnCount) outside 0..<\(geometry.columnsPerImage)"
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
        let stride = geometry.strideX
        let border = geometry.border

        for channelInGroup in 0..<geometry.inChannelsPerGroup {
            let plane = image + (group * geometry.inChannelsPerGroup + channelInGroup) * planeSize
            for i in 0..<geometry.kernelHeight {
                let yOffset = i * geometry.dilationY - geometry.padY
                for j in 0..<geometry.kernelWidth {
                    let xOffset = j * geometry.dilationX - geometry.padX
                    let interior = Im2col.interiorRange(offset: xOffset, stride: stride, extent: width, outputs: outputWidth)
                    let row = (channelInGroup * geometry.kernelHeight + i) * geometry.kernelWidth + j
                    var source = columns + row * columnCount
                    for oy in firstRow...lastRow {
                        let rowStart = oy * outputWidth
                        let oxBegin = max(columnStart, rowStart) - rowStart
                        let oxEnd = min(columnEnd, rowStart + outputWidth) - rowStart
                        defer { source += oxEnd - oxBegin }
                        guard let targetRow = border.sourceIndex(oy * geometry.strideY + yOffset, count: height) else {
                            continue  // a zero-padding row: read as 0, so it takes no gradient
                        }
                        let target = plane + targetRow * width
                        var ox = oxBegin
                        var from = source
                        // Left edge, interior (contiguous or strided), right edge.
                        let leftEnd = min(interior.lo, oxEnd)
                        while ox < leftEnd {
                            if let column = border.sourceIndex(ox * stride + xOffset, count: width) {
                                target[column] += from.pointee
                            }
                            from += 1
                            ox += 1
                        }
                        let middleEnd = min(interior.hi, oxEnd)
                        if ox < middleEnd {
                            let first = target + (ox * stride + xOffset)
                            let count = middleEnd - ox
                            if stride == 1 {
                                for t in 0..<count { first[t] += from[t] }
                            } else {
                                for t in 0..<count { first[t * stride] += from[t] }
                            }
                            from += count
                            ox = middleEnd
                        }
                        while ox < oxEnd {
                            if let column = border.sourceIndex(ox * stride + xOffset, count: width) {
                                target[column] += from.pointee
                            }
                            from += 1
                            ox += 1
                        }
                    }
                }
            }
        }
    }
}
