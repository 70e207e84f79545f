import CFFmpeg

/// How a stored picture must be turned to be shown upright: one of the eight rotations and
/// mirrorings of a rectangle, read from a stream's display matrix as ffmpeg's autorotate reads it.
///
/// An oriented picture reads, at output position (x, y), the stored sample at column `a` and row
/// `b`, where (a, b) = (y, x) when `swapsAxes` and (x, y) otherwise, then a = width − 1 − a when
/// `mirrorsColumns` and b = height − 1 − b when `mirrorsRows` (width and height of the stored
/// picture).
public struct Orientation: Equatable, Sendable, CustomStringConvertible {
    /// Output rows come from stored columns (a quarter turn, with or without a mirror).
    public var swapsAxes: Bool
    /// Stored columns are read right to left.
    public var mirrorsColumns: Bool
    /// Stored rows are read bottom to top.
    public var mirrorsRows: Bool

    public init(swapsAxes: Bool, mirrorsColumns: Bool, mirrorsRows: Bool) {
        self.swapsAxes = swapsAxes
        self.mirrorsColumns = mirrorsColumns
        self.mirrorsRows = mirrorsRows
    }

    /// The stored picture as it is.
    public static let upright = Orientation(swapsAxes: false, mirrorsColumns: false, mirrorsRows: false)
    /// A quarter turn clockwise (ffmpeg's `transpose=clock`).
    public static let clockwise = Orientation(swapsAxes: true, mirrorsColumns: false, mirrorsRows: true)
    /// A quarter turn counter-clockwise (`transpose=cclock`).
    public static let counterClockwise = Orientation(swapsAxes: true, mirrorsColumns: true, mirrorsRows: false)
    /// A half turn (`hflip,vflip`).
    public static let halfTurn = Orientation(swapsAxes: false, mirrorsColumns: true, mirrorsRows: true)

    public var isUpright: Bool { self == .upright }

    /// The oriented size of a stored `width`×`height` picture.
    public func size(width: Int, height: Int) -> (width: Int, height: Int) {
        swapsAxes ? (height, width) : (width, height)
    }

    public var description: String {
        switch (swapsAxes, mirrorsColumns, mirrorsRows) {
        case (false, false, false): return "upright"
        case (false, true, false): return "mirrored left to right"
        case (false, false, true): return "mirrored top to bottom"
        case (false, true, true): return "turned by 180°"
        case (true, false, true): return "turned 90° clockwise"
        case (true, true, false): return "turned 90° counter-clockwise"
        case (true, false, false): return "transposed"
        case (true, true, true): return "transposed across the other diagonal"
        }
    }

    /// The turn ffmpeg's autorotate applies for `matrix` (a display matrix: nine 16.16 / 2.30
    /// fixed-point numbers, row-major), or nil when the matrix asks for a rotation that is not a
    /// multiple of 90° (which Convoy does not apply).
    ///
    /// As ffmpeg 5.1 does: θ = −round(rotation of the matrix) in 0…360; 90° is `transpose=clock`
    /// (`cclock_flip` when the matrix also mirrors), 270° is `cclock` (`clock_flip` when it
    /// mirrors), 180° flips the axes whose diagonal entries are negative, and 0° flips rows when
    /// the second diagonal entry is negative.
    public static func autorotation(displayMatrix matrix: [Int32]) -> Orientation? {
        precondition(matrix.count == 9, "a display matrix has nine entries")
        let rotation = counterClockwiseRotation(displayMatrix: matrix)
        guard rotation.isFinite else { return .upright }
        var theta = -rotation.rounded()
        theta -= 360 * (theta / 360 + 0.9 / 360).rounded(.down)
        if abs(theta - 90) < 1 {
            return matrix[3] > 0 ? Orientation(swapsAxes: true, mirrorsColumns: false, mirrorsRows: false) : .clockwise
        }
        if abs(theta - 180) < 1 {
            return Orientation(swapsAxes: false, mirrorsColumns: matrix[0] < 0, mirrorsRows: matrix[4] < 0)
        }
        if abs(theta - 270) < 1 {
            return matrix[3] < 0 ? Orientation(swapsAxes: true, mirrorsColumns: true, mirrorsRows: true) : .counterClockwise
        }
        if abs(theta) < 1 || abs(theta - 360) < 1 {
            return Orientation(swapsAxes: false, mirrorsColumns: false, mirrorsRows: matrix[4] < 0)
        }
        return nil
    }

    /// The rotation of `matrix` (a display matrix) in degrees counter-clockwise, in -180…180, as
    /// `av_display_rotation_get` reads it (NaN for a degenerate matrix).
    public static func counterClockwiseRotation(displayMatrix matrix: [Int32]) -> Double {
        precondition(matrix.count == 9, "a display matrix has nine entries")
        return matrix.withUnsafeBufferPointer { av_display_rotation_get($0.baseAddress!) }
    }

    /// Writes `source` turned by this orientation into `destination`, which has the same pixel
    /// format and the oriented size (chroma planes turn with their luma).
    public func apply(_ source: PlanarImage, into destination: PlanarImage) {
        precondition(source.pixelFormat == destination.pixelFormat, "orientation keeps the pixel format")
        for index in source.planes.indices {
            let from = source.planes[index], to = destination.planes[index]
            precondition(size(width: from.width, height: from.height) == (to.width, to.height),
                         "plane \(index): \(to.width)×\(to.height) is not \(from.width)×\(from.height) \(self)")
            if source.bytesPerSample == 1 {
                remap(source.plane(index), from, into: destination.plane(index), to, sampleStride: 1)
            } else {
                remap(source.plane16(index), from, into: destination.plane16(index), to, sampleStride: 2)
            }
        }
    }

    private func remap<Sample>(_ source: UnsafeMutablePointer<Sample>, _ from: PlanarImage.Plane,
                               into destination: UnsafeMutablePointer<Sample>, _ to: PlanarImage.Plane,
                               sampleStride: Int) {
        let sourceRow = from.stride / sampleStride, destinationRow = to.stride / sampleStride
        // Step through the stored samples along an output row: one column or one row at a time.
        var start = 0
        if mirrorsColumns { start += from.width - 1 }
        if mirrorsRows { start += (from.height - 1) * sourceRow }
        let columnStep = mirrorsColumns ? -1 : 1, rowStep = mirrorsRows ? -sourceRow : sourceRow
        let alongX = swapsAxes ? rowStep : columnStep
        let alongY = swapsAxes ? columnStep : rowStep
        for y in 0..<to.height {
            let out = destination + y * destinationRow
            var cursor = start + y * alongY
            for x in 0..<to.width {
                out[x] = source[cursor]
                cursor += alongX
            }
        }
    }
}
