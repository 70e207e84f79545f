import ConvoyNN
import ConvoyTensor
import XCTest

/// DepthToSpace, SpaceToDepth, ChannelShuffle and Flatten against ONNX's own definitions: a
/// reshape, a transpose by a permutation, a reshape (done here on flat arrays by index
/// arithmetic, independently of the layers' loops).
final class RearrangeTests: XCTestCase {
    /// numpy's `x.reshape(dims).transpose(permutation)`, flattened.
    private func transpose(_ values: [Float], dims: [Int], permutation: [Int]) -> [Float] {
        precondition(values.count == dims.reduce(1, *))
        var strides = [Int](repeating: 1, count: dims.count)
        for axis in stride(from: dims.count - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * dims[axis + 1]
        }
        let outDims = permutation.map { dims[$0] }
        var result: [Float] = []
        result.reserveCapacity(values.count)
        var index = [Int](repeating: 0, count: dims.count)
        for _ in 0..<values.count {
            var offset = 0
            for (axis, source) in permutation.enumerated() {
                offset += index[axis] * strides[source]
            }
            result.append(values[offset])
            var axis = dims.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < outDims[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    private func run(_ layer: Layer, _ input: Tensor, threads: Int = 1) throws -> Tensor {
        let output = Tensor(shape: try layer.validatedOutputShape(for: input.shape))
        output.fill(.nan)
        layer.forward(input, into: output, context: ExecutionContext(threads: threads))
        return output
    }

    func testDepthToSpaceBothModes() throws {
        var random = SeededGenerator(seed: 41)
        for (n, c, h, w, b) in [(2, 8, 3, 5, 2), (1, 9, 2, 2, 3), (1, 3, 4, 1, 1)] {
            let input = Tensor(shape: Shape(n, c, h, w), values: random.floats(n * c * h * w))
            let c2 = c / (b * b)
            let dcr = try run(try DepthToSpace(blockSize: b, mode: .dcr), input)
            XCTAssertEqual(dcr.shape, Shape(n, c2, h * b, w * b))
            XCTAssertEqual(dcr.array, transpose(input.array, dims: [n, b, b, c2, h, w], permutation: [0, 3, 4, 1, 5, 2]), "DCR \(input.shape) b \(b)")
            let crd = try run(try DepthToSpace(blockSize: b, mode: .crd), input)
            XCTAssertEqual(crd.array, transpose(input.array, dims: [n, c2, b, b, h, w], permutation: [0, 1, 4, 2, 5, 3]), "CRD \(input.shape) b \(b)")
            XCTAssertEqual(crd.array, try run(try PixelShuffle(upscaleFactor: b), input).array, "CRD is PixelShuffle")
            // SpaceToDepth undoes DCR, and is ONNX's own transpose.
            let back = try run(try SpaceToDepth(blockSize: b), dcr)
            XCTAssertEqual(back.array, input.array, "SpaceToDepth inverts DCR")
            XCTAssertEqual(back.array, transpose(dcr.array, dims: [n, c2, h, b, w, b], permutation: [0, 3, 5, 1, 2, 4]))
        }
        XCTAssertEqual(DepthToSpaceMode(rawValue: "CRD"), .crd)
    }

    func testChannelShuffleAndFlatten() throws {
        var random = SeededGenerator(seed: 42)
        let (n, c, h, w) = (2, 6, 3, 4)
        let input = Tensor(shape: Shape(n, c, h, w), values: random.floats(n * c * h * w))
        for groups in [1, 2, 3, 6] {
            let shuffled = try run(try ChannelShuffle(groups: groups), input)
            XCTAssertEqual(shuffled.array, transpose(input.array, dims: [n, groups, c / groups, h, w], permutation: [0, 2, 1, 3, 4]), "groups \(groups)")
        }
        let flat = try run(Flatten(), input)
        XCTAssertEqual(flat.shape, Shape(n, c * h * w, 1, 1))
        XCTAssertEqual(flat.array, input.array)
    }

    func testParallelMatchesSerial() throws {
        var random = SeededGenerator(seed: 43)
        let input = Tensor(shape: Shape(2, 8, 48, 70), values: random.floats(2 * 8 * 48 * 70))
        let layers: [Layer] = [try DepthToSpace(blockSize: 2), try DepthToSpace(blockSize: 2, mode: .crd), try SpaceToDepth(blockSize: 2),
                               try ChannelShuffle(groups: 4)]
        for layer in layers {
            XCTAssertEqual(try run(layer, input).array, try run(layer, input, threads: 2).array, "\(type(of: layer))")
        }
    }

    func testErrors() throws {
        let cases: [(() throws -> Any, LayerConfigurationError)] = [
            ({ try DepthToSpace(blockSize: 0) }, .nonPositiveBlockSize(0)),
            ({ try SpaceToDepth(blockSize: -1) }, .nonPositiveBlockSize(-1)),
            ({ try ChannelShuffle(groups: 0) }, .nonPositiveGroups(0)),
            ({ try DepthToSpace(blockSize: 2).validatedOutputShape(for: Shape(1, 6, 2, 2)) }, .channelsNotDivisible(channels: 6, divisor: 4)),
            ({ try DepthToSpace(blockSize: 2).validatedOutputShape(for: Shape(4, 2, 2)) }, .inputNotRank4(Shape(4, 2, 2))),
            ({ try SpaceToDepth(blockSize: 2).validatedOutputShape(for: Shape(1, 1, 4, 5)) }, .sizeNotDivisible(height: 4, width: 5, divisor: 2)),
            ({ try SpaceToDepth(blockSize: 2).validatedOutputShape(for: Shape(1, 1, 0, 4)) }, .sizeNotDivisible(height: 0, width: 4, divisor: 2)),
            ({ try ChannelShuffle(groups: 4).validatedOutputShape(for: Shape(1, 6, 2, 2)) }, .channelsNotDivisible(channels: 6, divisor: 4)),
            ({ try Flatten().validatedOutputShape(for: Shape(6, 2)) }, .inputNotRank4(Shape(6, 2))),
        ]
        for (index, (make, expected)) in cases.enumerated() {
            XCTAssertThrowsError(try make(), "case \(index)") { error in
                XCTAssertEqual(error as? LayerConfigurationError, expected, "case \(index)")
            }
        }
        XCTAssertEqual(try SpaceToDepth(blockSize: 3).validatedOutputShape(for: Shape(2, 2, 6, 9)), Shape(2, 18, 2, 3))
    }
}
