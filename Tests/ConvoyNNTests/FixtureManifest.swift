import ConvoyTensor
import Foundation
import XCTest

/// `Fixtures/data/manifest.json`, written by `Fixtures/generate.py`, decoded with `JSONDecoder`.
struct FixtureManifest: Decodable {
    /// A raw little-endian float32 tensor file and its shape.
    struct TensorFile: Decodable {
        let file: String
        let shape: [Int]
    }

    /// Layer parameters, in PyTorch's names; each layer type uses some of them.
    final class Parameters: Decodable {
        let kernel_size: [Int]?
        let stride: [Int]?
        let padding: [Int]?
        let dilation: [Int]?
        let ceil_mode: Bool?
        let count_include_pad: Bool?
        let divisor_override: Int?
        let negative_slope: Float?
        let num_parameters: Int?
        let num_features: Int?
        let eps: Float?
        let mean: [Float]?
        let std: [Float]?
        let scale: Float?
        let scale_factor: [Int]?
        let mode: String?
        let align_corners: Bool?
        let upscale_factor: Int?
        let in_channels: Int?
        let out_channels: Int?
        let groups: Int?
        let bias: Bool?
        let padding_mode: String?
        let dim: Int?
        let conv: Parameters?
        let bn: Parameters?
    }

    /// One single-layer case: the layer, its tensors, its inputs and the expected output.
    struct Case: Decodable {
        let name: String
        let type: String
        let params: Parameters
        let tensors: [String: TensorFile]?
        let inputs: [TensorFile]
        let output: TensorFile
    }

    /// A node of a network: its layer and the state-dict keys of its weights.
    struct Node: Decodable {
        let name: String
        let type: String
        let params: Parameters
        let inputs: [String]
        /// Layer parameter name (`weight`, `running_mean`, …) → state-dict key.
        let weights: [String: String]
    }

    /// A network with named outputs, its weights by state-dict key and its expected outputs.
    struct Network: Decodable {
        let name: String
        let input: TensorFile
        let nodes: [Node]
        let outputs: [String]
        let weights: [String: TensorFile]
        /// dtype (`F32`, `F16`, `BF16`) → safetensors file name.
        let safetensors: [String: String]
        let safetensors_extra_keys: [String]
        /// dtype of the weights → output name → expected output.
        let expected: [String: [String: TensorFile]]
    }

    let format_version: Int
    let cases: [Case]
    let networks: [Network]

    /// The fixture directory inside the test bundle.
    static var directory: URL {
        get throws {
            try XCTUnwrap(Bundle.module.url(forResource: "data", withExtension: nil), "fixture directory missing from the bundle")
        }
    }

    /// Reads and decodes the manifest.
    static func load() throws -> FixtureManifest {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(FixtureManifest.self, from: data)
    }

    /// The bytes of a fixture file.
    static func bytes(_ file: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(file))
    }

    /// Reads a raw little-endian float32 tensor.
    static func tensor(_ file: TensorFile) throws -> Tensor {
        let data = try bytes(file.file)
        let shape = Shape(file.shape)
        XCTAssertEqual(data.count, shape.count * 4, "\(file.file) size")
        let values = data.withUnsafeBytes { raw in
            (0..<shape.count).map { i in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
        }
        return Tensor(shape: shape, values: values)
    }
}
