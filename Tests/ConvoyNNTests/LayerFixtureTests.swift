import ConvoyNN
import ConvoyTensor
import XCTest

/// Every single-layer case of `Fixtures/data/manifest.json` (made by `Fixtures/generate.py` with
/// independent numpy implementations) against ConvoyNN, within 1e-4 of the output's scale.
final class LayerFixtureTests: XCTestCase {
    private static let allTypes: Set<String> = [
        "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "PReLU", "MaxPool2d", "AvgPool2d", "GlobalAvgPool2d",
        "BatchNorm2d", "Conv2d+BatchNorm2d", "Conv2d", "Upsample", "PixelShuffle", "ChannelSoftmax",
        "Normalize", "Concat", "Add",
    ]

    /// Runs every case of the given types (at least `minimum` of them), out of place and, for
    /// in-place layers and `Add`, in place too.
    private func run(_ types: Set<String>, minimum: Int = 1, file: StaticString = #filePath, line: UInt = #line) throws {
        let manifest = try FixtureManifest.load()
        let cases = manifest.cases.filter { types.contains($0.type) }
        XCTAssertGreaterThanOrEqual(cases.count, minimum, "cases of \(types.sorted())", file: file, line: line)
        let context = ExecutionContext()
        for fixture in cases {
            let tensors = try (fixture.tensors ?? [:]).mapValues(FixtureManifest.tensor)
            let inputs = try fixture.inputs.map(FixtureManifest.tensor)
            let expected = try FixtureManifest.tensor(fixture.output)
            let operation = try FixtureLayers.operation(type: fixture.type, params: fixture.params, tensors: tensors)
            switch operation {
            case .layer(let layer):
                XCTAssertEqual(inputs.count, 1, fixture.name, file: file, line: line)
                let shape = try layer.validatedOutputShape(for: inputs[0].shape)
                XCTAssertEqual(shape, expected.shape, "\(fixture.name): output shape", file: file, line: line)
                let output = Tensor(shape: shape)
                output.fill(.nan)
                layer.forward(inputs[0], into: output, context: context)
                assertClose(output, expected, fixture.name, file: file, line: line)
                if layer is InPlaceLayer {
                    let copy = Tensor(shape: inputs[0].shape, values: inputs[0].array)
                    layer.forward(copy, into: copy, context: context)
                    assertClose(copy, expected, "\(fixture.name) in place", file: file, line: line)
                }
            case .merge(let merge):
                let shape = try merge.validatedOutputShape(for: inputs.map(\.shape))
                XCTAssertEqual(shape, expected.shape, "\(fixture.name): output shape", file: file, line: line)
                let output = Tensor(shape: shape)
                output.fill(.nan)
                merge.forward(inputs, into: output, context: context)
                assertClose(output, expected, fixture.name, file: file, line: line)
                if merge is Add {
                    let copies = inputs.map { Tensor(shape: $0.shape, values: $0.array) }
                    merge.forward(copies, into: copies.last!, context: context)
                    assertClose(copies.last!, expected, "\(fixture.name) in place", file: file, line: line)
                }
            }
        }
    }

    func testManifestCoversEveryLayerType() throws {
        let manifest = try FixtureManifest.load()
        XCTAssertEqual(manifest.format_version, 1)
        let types = Set(manifest.cases.map(\.type))
        XCTAssertEqual(types, LayerFixtureTests.allTypes)
        XCTAssertEqual(Set(manifest.cases.map(\.name)).count, manifest.cases.count, "case names are unique")
    }

    func testActivations() throws {
        try run(["ReLU", "LeakyReLU", "Sigmoid", "Tanh"], minimum: 6)
    }

    func testPReLU() throws {
        try run(["PReLU"], minimum: 2)
    }

    func testMaxPool2d() throws {
        try run(["MaxPool2d"], minimum: 8)
    }

    func testAvgPool2d() throws {
        try run(["AvgPool2d"], minimum: 17)
    }

    func testGlobalAvgPool2d() throws {
        try run(["GlobalAvgPool2d"])
    }

    func testBatchNorm2d() throws {
        try run(["BatchNorm2d"], minimum: 2)
    }

    func testConv2dFoldingBatchNorm2d() throws {
        try run(["Conv2d+BatchNorm2d"], minimum: 2)
    }

    func testConv2d() throws {
        try run(["Conv2d"], minimum: 10)
    }

    func testUpsample() throws {
        try run(["Upsample"], minimum: 8)
    }

    func testPixelShuffle() throws {
        try run(["PixelShuffle"], minimum: 2)
    }

    func testChannelSoftmax() throws {
        try run(["ChannelSoftmax"], minimum: 2)
    }

    func testNormalize() throws {
        try run(["Normalize"], minimum: 2)
    }

    func testConcatAndAdd() throws {
        try run(["Concat", "Add"], minimum: 4)
    }

    /// The unfolded pair (convolution, then batch norm as its own layer) matches the same
    /// fixtures as the folded convolution.
    func testConv2dThenBatchNorm2d() throws {
        let manifest = try FixtureManifest.load()
        for fixture in manifest.cases where fixture.type == "Conv2d+BatchNorm2d" {
            let tensors = try (fixture.tensors ?? [:]).mapValues(FixtureManifest.tensor)
            let convolution = try FixtureLayers.conv(
                try XCTUnwrap(fixture.params.conv), weight: try XCTUnwrap(tensors["conv.weight"]), bias: tensors["conv.bias"]
            )
            let batchNorm = try FixtureLayers.batchNorm(try XCTUnwrap(fixture.params.bn), tensors, prefix: "bn.")
            let model = Sequential([convolution, batchNorm])
            let input = try FixtureManifest.tensor(fixture.inputs[0])
            let output = Tensor(shape: try model.validatedOutputShape(for: input.shape))
            model.forward(input, into: output, context: ExecutionContext())
            assertClose(output, try FixtureManifest.tensor(fixture.output), fixture.name)
        }
    }
}
