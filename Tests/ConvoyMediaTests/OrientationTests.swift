import CFFmpeg
import ConvoyMedia
import XCTest

final class OrientationTests: XCTestCase {
    /// A display matrix as FFmpeg builds it (`av_display_rotation_set` turns clockwise), then
    /// optional mirrors.
    private func matrix(clockwise degrees: Double, mirrorColumns: Bool = false, mirrorRows: Bool = false) -> [Int32] {
        var matrix = [Int32](repeating: 0, count: 9)
        matrix.withUnsafeMutableBufferPointer { buffer in
            av_display_rotation_set(buffer.baseAddress!, degrees)
            av_display_matrix_flip(buffer.baseAddress!, mirrorColumns ? 1 : 0, mirrorRows ? 1 : 0)
        }
        return matrix
    }

    func testRotationsReadAsFFmpegReadsThem() {
        // As ffmpeg: θ = −(the matrix's counter-clockwise rotation); 90° → transpose=clock,
        // 270° → cclock, 180° → hflip + vflip.
        XCTAssertEqual(Orientation.autorotation(displayMatrix: matrix(clockwise: 0)), .upright)
        XCTAssertEqual(Orientation.autorotation(displayMatrix: matrix(clockwise: 90)), .clockwise)
        XCTAssertEqual(Orientation.autorotation(displayMatrix: matrix(clockwise: -90)), .counterClockwise)
        XCTAssertEqual(Orientation.autorotation(displayMatrix: matrix(clockwise: 180)), .halfTurn)
        XCTAssertEqual(Orientation.autorotation(displayMatrix: matrix(clockwise: 0, mirrorRows: true)),
                       Orientation(swapsAxes: false, mirrorsColumns: false, mirrorsRows: true))
        XCTAssertNil(Orientation.autorotation(displayMatrix: matrix(clockwise: 45)), "only quarter turns are applied")
    }

    /// Every orientation against a per-pixel reading of its definition, on 8- and 16-bit planes
    /// with subsampled chroma.
    func testApplyMovesEverySampleWhereTheDefinitionSays() {
        for format in [AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUV420P10LE, AV_PIX_FMT_GBRP16LE] {
            let width = 6, height = 4
            let source = PlanarImage(width: width, height: height, pixelFormat: format)
            func write(_ image: PlanarImage, _ plane: Int, _ x: Int, _ y: Int, _ value: Int) {
                let stride = image.planes[plane].stride
                if image.bytesPerSample == 1 { image.plane(plane)[y * stride + x] = UInt8(value) }
                else { image.plane16(plane)[y * stride / 2 + x] = UInt16(value) }
            }
            func read(_ image: PlanarImage, _ plane: Int, _ x: Int, _ y: Int) -> Int {
                let stride = image.planes[plane].stride
                return image.bytesPerSample == 1 ? Int(image.plane(plane)[y * stride + x]) : Int(image.plane16(plane)[y * stride / 2 + x])
            }
            for plane in source.planes.indices {
                for y in 0..<source.planes[plane].height {
                    for x in 0..<source.planes[plane].width { write(source, plane, x, y, plane * 64 + y * 8 + x) }
                }
            }
            for bits in 0..<8 {
                let turn = Orientation(swapsAxes: bits & 1 != 0, mirrorsColumns: bits & 2 != 0, mirrorsRows: bits & 4 != 0)
                let size = turn.size(width: width, height: height)
                let turned = PlanarImage(width: size.width, height: size.height, pixelFormat: format)
                turn.apply(source, into: turned)
                for plane in turned.planes.indices {
                    let stored = source.planes[plane]
                    for y in 0..<turned.planes[plane].height {
                        for x in 0..<turned.planes[plane].width {
                            var (a, b) = turn.swapsAxes ? (y, x) : (x, y)
                            if turn.mirrorsColumns { a = stored.width - 1 - a }
                            if turn.mirrorsRows { b = stored.height - 1 - b }
                            XCTAssertEqual(read(turned, plane, x, y), read(source, plane, a, b), "\(turn) plane \(plane) at (\(x), \(y))")
                        }
                    }
                }
            }
        }
    }
}
