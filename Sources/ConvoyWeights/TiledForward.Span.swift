extension TiledForward {
    /// One cut of the frame along one axis (rows or columns): the core it owns, the stretch of
    /// input run through the model (core plus halo, on the alignment grid, clipped to the frame),
    /// and for each model output the samples the core owns and where the tile's output starts.
    struct Span: Equatable {
        /// Input pixels this span owns; the cores of all spans cover the axis once, in order.
        let core: Range<Int>
        /// Input pixels run through the model: starts on the alignment grid, ends at the frame's
        /// end or at a distance from it that is a multiple of the alignment.
        let tile: Range<Int>
        /// Per model output, the samples this span owns (possibly empty).
        let owned: [Range<Int>]
        /// Per model output, the sample of the whole frame's output that the tile's output
        /// starts at (`tile.lowerBound * scale`).
        let offsets: [Int]

        /// Cuts an axis of `length` input pixels into cores of `core` pixels, each widened by
        /// `before` and `after` pixels. The last core takes what is left: less than `core`, or up
        /// to one and a half cores when less than half a core would be left.
        ///
        /// A tile ending inside the frame ends a multiple of `alignment` before the frame's end,
        /// so the tile has the length of a tile that ends at the frame's end and starts on the
        /// grid: every layer then sees a size it sees on some frame-end tile, so sizes that must
        /// match (the inputs of a merge) do.
        ///
        /// - Parameters:
        ///   - scales: per output, output samples per input pixel along this axis.
        ///   - outputLengths: per output, its length along this axis on the whole frame.
        /// - Precondition: `core` is a positive multiple of `alignment`; `before`, `after` ≥ 0.
        static func cut(length: Int, core: Int, alignment: Int, before: Int, after: Int,
                        scales: [ScaleFactor], outputLengths: [Int]) -> [Span] {
            precondition(core >= alignment && core % alignment == 0, "Tile core \(core) must be a positive multiple of \(alignment)")
            precondition(before >= 0 && after >= 0, "Halo must not be negative, got \(before), \(after)")
            var starts = Array(stride(from: 0, to: length, by: core))
            if starts.count > 1 && length - starts.last! < core / 2 {
                // A sliver at the end joins the core before it: a tile that thin is mostly halo,
                // and may be too small for some layer.
                starts.removeLast()
            }
            return starts.enumerated().map { index, start in
                let isFirst = index == 0
                let isLast = index == starts.count - 1
                let end = isLast ? length : start + core
                // Rounded down to the grid (a negative start truncates to at most 0, clipped to 0).
                let tileStart = max(0, (start - before) / alignment * alignment)
                let wanted = end + after
                let tileEnd = wanted >= length ? length : length - (length - wanted) / alignment * alignment
                var owned: [Range<Int>] = []
                var offsets: [Int] = []
                for (scale, outputLength) in zip(scales, outputLengths) {
                    let lower = isFirst ? 0 : min(scale.samples(atPixel: start), outputLength)
                    let upper = isLast ? outputLength : min(scale.samples(atPixel: end), outputLength)
                    owned.append(lower..<max(lower, upper))
                    offsets.append(scale.samples(atPixel: tileStart))
                }
                return Span(core: start..<end, tile: tileStart..<tileEnd, owned: owned, offsets: offsets)
            }
        }
    }
}
