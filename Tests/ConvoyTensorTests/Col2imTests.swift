import ConvoyTensor
import XCTest

/// Col2im against its definition: the adjoint of Im2col (same geometry, group and tile), and a
/// direct scatter loop written from the index formula.
final class Col2imTests: XCTestCase {
    /// A random valid geometry (every border mode, stride, padding, dilation, groups).
    static func randomGeometry(_ generator: inout SeededGenerator, batch: Int = 1) -> Conv2dGeometry {
        while true {
            let groups = Int.random(in: 1...3, using: &generator)
            let inChannels = groups * Int.random(in: 1...2, using: &generator)
            let outChannels = groups * Int.random(in: 1...2, using: &generator)
            let height = Int.random(in: 1...9, using: &generator)
            let width = Int.random(in: 1...9, using: &generator)
            let kernelHeight = Int.random(in: 1...4, using: &generator)
            let kernelWidth = Int.random(in: 1...4, using: &generator)
            let strideY = Int.random(in: 1...3, using: &generator), strideX = Int.random(in: 1...3, using: &generator)
            let padY = Int.random(in: 0...3, using: &generator), padX = Int.random(in: 0...3, using: &generator)
            let dilationY = Int.random(in: 1...3, using: &generator), dilationX = Int.random(in: 1...3, using: &generator)
            let border = BorderMode.allCases.randomElement(using: &generator)!
            guard height + 2 * padY >= dilationY * (kernelHeight - 1) + 1,
                  width + 2 * padX >= dilationX * (kernelWidth - 1) + 1 else { continue }
            return Conv2dGeometry(
                batch: batch, inChannels: inChannels, inputHeight: height, inputWidth: width,
                outChannels: outChannels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                strideY: strideY, strideX: strideX, padY: padY, padX: padX,
                dilationY: dilationY, dilationX: dilationX, groups: groups, border: border
            )
        }
    }

    /// The scatter written straight from the index formula of `Im2col`'s documentation.
    static func directScatter(_ g: Conv2dGeometry, columns: [Float], group: Int, start: Int, count: Int) -> [Double] {
        var image = [Double](repeating: 0, count: g.inChannels * g.inputHeight * g.inputWidth)
        for cg in 0..<g.inChannelsPerGroup {
            for i in 0..<g.kernelHeight {
                for j in 0..<g.kernelWidth {
                    let row = (cg * g.kernelHeight + i) * g.kernelWidth + j
                    for t in 0..<count {
                        let p = start + t
                        let (oy, ox) = (p / g.outputWidth, p % g.outputWidth)
                        guard let iy = g.border.sourceIndex(oy * g.strideY + i * g.dilationY - g.padY, count: g.inputHeight),
                              let ix = g.border.sourceIndex(ox * g.strideX + j * g.dilationX - g.padX, count: g.inputWidth) else { continue }
                        let channel = group * g.inChannelsPerGroup + cg
                        image[(channel * g.inputHeight + iy) * g.inputWidth + ix] += Double(columns[row * count + t])
                    }
                }
            }
        }
        return image
    }

    func testAdjointOfIm2colAndDirectScatterOverRandomGeometries() {
        var generator = SeededGenerator(seed: 61)
        for _ in 0..<300 {
            let g = Col2imTests.randomGeometry(&generator)
            let group = Int.random(in: 0..<g.groups, using: &generator)
            let start = Int.random(in: 0..<g.columnsPerImage, using: &generator)
            let count = Int.random(in: 1...(g.columnsPerImage - start), using: &generator)
            let x = generator.floats(g.inChannels * g.inputHeight * g.inputWidth)
            let y = generator.floats(g.rowsPerGroup * count)
            var packed = [Float](repeating: .nan, count: g.rowsPerGroup * count)
            // Start from a non-zero image: col2im adds, never overwrites.
            let base = generator.floats(x.count)
            var scattered = base
            x.withUnsafeBufferPointer { image in
                packed.withUnsafeMutableBufferPointer { columns in
                    Im2col.pack(geometry: g, image: image.baseAddress!, group: group, columnStart: start, columnCount: count,
                                into: columns.baseAddress!)
                }
            }
            y.withUnsafeBufferPointer { columns in
                scattered.withUnsafeMutableBufferPointer { image in
                    Col2im.accumulate(geometry: g, columns: columns.baseAddress!, group: group, columnStart: start, columnCount: count,
                                      into: image.baseAddress!)
                }
            }
            let added = zip(scattered, base).map { Double($0) - Double($1) }
            let left = zip(packed, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let right = zip(x, added).reduce(0.0) { $0 + Double($1.0) * $1.1 }
            let scale = max(1, zip(packed, y).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) })
            XCTAssertEqual(left, right, accuracy: 1e-5 * scale, "adjoint identity fails for \(g), group \(group), tile \(start)+\(count)")

            let direct = Col2imTests.directScatter(g, columns: y, group: group, start: start, count: count)
            for index in direct.indices {
                XCTAssertEqual(added[index], direct[index], accuracy: 1e-5, "scatter differs at \(index) for \(g)")
            }
        }
    }

    func testPaddingReadsAreSentBackWhereEachBorderModeReadThem() {
        // A 3×3 image, 3×3 kernel, padding 1: with ones everywhere in the columns, each input
        // sample receives the number of (tap, position) pairs that read it. Per axis the three
        // outputs read indices (-1, 0, 1), (0, 1, 2), (1, 2, 3): zero drops -1 and 3 (counts 2 3 2),
        // replicate sends them to 0 and 2 (3 3 3), reflect to 1 (2 5 2); the plane is the product.
        for (border, expected) in [(BorderMode.zero, [4.0, 6, 4, 6, 9, 6, 4, 6, 4]),
                                   (BorderMode.replicate, [9.0, 9, 9, 9, 9, 9, 9, 9, 9]),
                                   (BorderMode.reflect, [4.0, 10, 4, 10, 25, 10, 4, 10, 4])] {
            let g = Conv2dGeometry(batch: 1, inChannels: 1, inputHeight: 3, inputWidth: 3, outChannels: 1,
                                   kernelHeight: 3, kernelWidth: 3, padY: 1, padX: 1, border: border)
            let ones = [Float](repeating: 1, count: 81)
            var image = [Float](repeating: 0, count: 9)
            ones.withUnsafeBufferPointer { columns in
                image.withUnsafeMutableBufferPointer { target in
                    Col2im.accumulate(geometry: g, columns: columns.baseAddress!, group: 0, columnStart: 0, columnCount: 9,
                                      into: target.baseAddress!)
                }
            }
            XCTAssertEqual(image.map(Double.init), expected, "\(border)")
        }
    }
}
