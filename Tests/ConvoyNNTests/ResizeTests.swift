import ConvoyNN
import ConvoyTensor
import Foundation
import XCTest

/// Resize2d against `Fixtures/resize/resize.json`, numpy reference values written from ONNX's
/// `Resize` specification by `Fixtures/generate_resize.py`: every coordinate mode, both modes,
/// every nearest mode, up- and down-scaling by scales and by sizes.
final class ResizeTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Case: Decodable {
            let mode: String
            let coordinate_transformation_mode: String
            let nearest_mode: String
            let target: String
            let values: [Double]
            let output_shape: [Int]
            let output: [Float]
        }

        let input_shape: [Int]
        let input: [Float]
        let cases: [Case]
    }

    private func run(_ layer: Layer, _ input: Tensor, threads: Int = 1) throws -> Tensor {
        let output = Tensor(shape: try layer.validatedOutputShape(for: input.shape))
        output.fill(.nan)
        layer.forward(input, into: output, context: ExecutionContext(threads: threads))
        return output
    }

    func testAgainstNumpyFixtures() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "resize", withExtension: nil)).appendingPathComponent("resize.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let input = Tensor(shape: Shape(fixture.input_shape), values: fixture.input)
        XCTAssertEqual(fixture.cases.count, 210)
        for item in fixture.cases {
            let mode = try XCTUnwrap(ResizeMode(rawValue: item.mode))
            let coordinates = try XCTUnwrap(ResizeCoordinateMode(rawValue: item.coordinate_transformation_mode))
            let nearest = try XCTUnwrap(ResizeNearestMode(rawValue: item.nearest_mode))
            let target: ResizeTarget = item.target == "scales"
                ? .scales(y: Float(item.values[0]), x: Float(item.values[1]))
                : .sizes(height: Int(item.values[0]), width: Int(item.values[1]))
            let layer = Resize2d(mode: mode, coordinates: coordinates, nearest: nearest, target: target)
            let name = "\(item.mode) \(item.coordinate_transformation_mode) \(item.nearest_mode) \(item.target) \(item.values)"
            let output = try run(layer, input)
            XCTAssertEqual(output.shape, Shape(item.output_shape), name)
            guard output.shape == Shape(item.output_shape) else { continue }
            let worst = zip(output.array, item.output).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, mode == .nearest ? 0 : 2e-6, name)
        }
    }

    /// Hand-worked values: 2× nearest under each coordinate mode, and linear half-pixel.
    func testHandValues() throws {
        let input = Tensor(shape: Shape(1, 1, 1, 2), values: [0, 4])
        let up = ResizeTarget.scales(y: 1, x: 2)
        XCTAssertEqual(try run(Resize2d(mode: .nearest, coordinates: .asymmetric, nearest: .floor, target: up), input).array, [0, 0, 4, 4])
        // half_pixel: sources -0.25, 0.25, 0.75, 1.25; round_prefer_ceil takes 0.75 -> 1.
        XCTAssertEqual(try run(Resize2d(mode: .nearest, target: up), input).array, [0, 0, 4, 4])
        // align_corners: sources 0, 1/3, 2/3, 1.
        XCTAssertEqual(try run(Resize2d(mode: .nearest, coordinates: .alignCorners, target: up), input).array, [0, 0, 4, 4])
        XCTAssertEqual(try run(Resize2d(mode: .linear, target: up), input).array, [0, 1, 3, 4])
        // Equal to Upsample's bilinear with half-pixel centres and with aligned corners.
        var random = SeededGenerator(seed: 71)
        let image = Tensor(shape: Shape(2, 3, 5, 6), values: random.floats(180))
        for (coordinates, aligned) in [(ResizeCoordinateMode.halfPixel, false), (.alignCorners, true)] {
            let resized = try run(Resize2d(mode: .linear, coordinates: coordinates, target: .scales(y: 2, x: 3)), image)
            let upsampled = Tensor(shape: resized.shape)
            Upsample(scale: (2, 3), mode: .bilinear, alignCorners: aligned).forward(image, into: upsampled, context: ExecutionContext())
            assertClose(resized, upsampled, tolerance: 1e-6, "\(coordinates) against Upsample")
        }
        let nearest = try run(Resize2d(mode: .nearest, coordinates: .asymmetric, nearest: .floor, target: .scales(y: 2, x: 3)), image)
        let upsampled = Tensor(shape: nearest.shape)
        Upsample(scale: (2, 3), mode: .nearest).forward(image, into: upsampled, context: ExecutionContext())
        XCTAssertEqual(nearest.array, upsampled.array, "ONNX Upsample nearest is asymmetric + floor")
    }

    func testParallelMatchesSerial() throws {
        var random = SeededGenerator(seed: 72)
        let input = Tensor(shape: Shape(2, 4, 48, 70), values: random.floats(2 * 4 * 48 * 70))
        for mode in ResizeMode.allCases {
            let layer = Resize2d(mode: mode, target: .scales(y: 1.5, x: 0.5))
            XCTAssertEqual(try run(layer, input).array, try run(layer, input, threads: 2).array, "\(mode)")
        }
    }

    func testErrors() {
        let cases: [(Resize2d, Shape, LayerConfigurationError)] = [
            (Resize2d(target: .scales(y: 0, x: 1)), Shape(1, 1, 4, 4), .invalidResizeScale(y: 0, x: 1)),
            (Resize2d(target: .scales(y: 1, x: .nan)), Shape(1, 1, 4, 4), .invalidResizeScale(y: 1, x: .nan)),
            (Resize2d(target: .scales(y: 0.2, x: 1)), Shape(1, 1, 4, 4), .emptyResize(input: Shape(1, 1, 4, 4), height: 0, width: 4)),
            (Resize2d(target: .sizes(height: 3, width: 0)), Shape(1, 1, 4, 4), .emptyResize(input: Shape(1, 1, 4, 4), height: 3, width: 0)),
            (Resize2d(target: .sizes(height: 3, width: 3)), Shape(1, 1, 0, 4), .inputTooSmall(input: Shape(1, 1, 0, 4), kernelHeight: 1, kernelWidth: 1)),
            (Resize2d(target: .sizes(height: 3, width: 3)), Shape(4, 4), .inputNotRank4(Shape(4, 4))),
        ]
        for (layer, shape, expected) in cases {
            XCTAssertThrowsError(try layer.validatedOutputShape(for: shape)) { error in
                // NaN is not equal to itself: compare the descriptions.
                XCTAssertEqual(String(describing: error), String(describing: expected))
            }
        }
    }
}
