import ConvoyNN
import ConvoyTensor
import XCTest

/// Sizes a malformed model file could carry (pads of 2^62, scales of 10^30, block sizes of
/// Int.max) give a one-line `LayerConfigurationError`, never an overflow trap or a huge
/// allocation.
final class LayerLimitTests: XCTestCase {
    private func assertRefused(_ make: () throws -> Any, _ expected: LayerConfigurationError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try make(), file: file, line: line) { error in
            XCTAssertEqual(error as? LayerConfigurationError, expected, file: file, line: line)
            XCTAssertFalse(String(describing: error).contains("\n"), file: file, line: line)
        }
    }

    func testHugeParametersAreRefused() {
        let limit = 1 << 20
        let image = Shape(1, 4, 8, 8)
        assertRefused({ try Pad2d(rows: (Int.max, 0), columns: (0, 0), mode: .edge).validatedOutputShape(for: image) },
                      .parameterOutOfRange(name: "row pad", value: Int.max, limit: limit))
        assertRefused({ try Pad2d(rows: (0, 0), columns: (0, Int.min), mode: .reflect).validatedOutputShape(for: image) },
                      .parameterOutOfRange(name: "column pad", value: Int.min, limit: limit))
        assertRefused({ try Resize2d(target: .scales(y: 1e30, x: 1)).validatedOutputShape(for: image) },
                      .parameterOutOfRange(name: "resize output height", value: 1 << 31, limit: limit))
        assertRefused({ try Resize2d(target: .sizes(height: 4, width: Int.max)).validatedOutputShape(for: image) },
                      .parameterOutOfRange(name: "resize output width", value: Int.max, limit: limit))
        let weight = Tensor(shape: Shape(4, 2, 3, 3))
        assertRefused({ try ConvTranspose2d(weight: weight, bias: nil, stride: (Int.max, 1)) },
                      .parameterOutOfRange(name: "transposed convolution stride", value: Int.max, limit: limit))
        assertRefused({ try ConvTranspose2d(weight: weight, bias: nil, outputPadding: (0, 1 << 40)) },
                      .parameterOutOfRange(name: "transposed convolution output padding", value: 1 << 40, limit: limit))
        assertRefused({ try ConvTranspose2d(weight: weight, bias: nil, pads: (0, 0, Int.max, 0)) },
                      .parameterOutOfRange(name: "transposed convolution pad", value: Int.max, limit: limit))
        assertRefused({ try DepthToSpace(blockSize: Int.max) }, .parameterOutOfRange(name: "depth-to-space block size", value: Int.max, limit: limit))
        assertRefused({ try SpaceToDepth(blockSize: 1 << 21) }, .parameterOutOfRange(name: "space-to-depth block size", value: 1 << 21, limit: limit))
        assertRefused({ try ChannelShuffle(groups: Int.max) }, .parameterOutOfRange(name: "channel shuffle groups", value: Int.max, limit: limit))
        assertRefused({ try LocalResponseNorm(size: Int.max) },
                      .parameterOutOfRange(name: "local response normalisation size", value: Int.max, limit: limit))
    }

    func testOutputsBeyondAnyMachineAreRefused() throws {
        let limit = 1 << 20
        let image = Shape(8, 3, 4, 4)
        assertRefused({ try Pad2d(rows: (limit, limit), columns: (limit, 0), mode: .constant(0)).validatedOutputShape(for: image) },
                      .outputTooLarge(input: image, output: [8, 3, 4 + 2 * limit, 4 + limit]))
        assertRefused({ try Resize2d(target: .sizes(height: limit, width: limit)).validatedOutputShape(for: image) },
                      .outputTooLarge(input: image, output: [8, 3, limit, limit]))
        let transposed = try ConvTranspose2d(weight: Tensor(shape: Shape(3, 2, 1, 1)), bias: nil, stride: (limit, limit))
        assertRefused({ try transposed.validatedOutputShape(for: image) },
                      .outputTooLarge(input: image, output: [8, 2, 3 * limit + 1, 3 * limit + 1]))
        // The limits leave real sizes alone: a 4K frame doubled.
        XCTAssertEqual(try Resize2d(target: .scales(y: 2, x: 2)).validatedOutputShape(for: Shape(1, 3, 2160, 3840)), Shape(1, 3, 4320, 7680))
    }
}
