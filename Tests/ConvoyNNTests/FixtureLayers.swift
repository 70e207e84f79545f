import ConvoyNN
import ConvoyTensor
import XCTest

/// Builds ConvoyNN layers from the manifest's layer types and PyTorch-named parameters, as a
/// model loader would.
enum FixtureLayers {
    struct MissingParameter: Error, CustomStringConvertible {
        let name: String
        var description: String { "missing fixture parameter or tensor '\(name)'" }
    }

    static func require<T>(_ value: T?, _ name: String) throws -> T {
        guard let value = value else {
            throw MissingParameter(name: name)
        }
        return value
    }

    static func pair(_ values: [Int]?, _ name: String) throws -> (y: Int, x: Int) {
        let values = try require(values, name)
        guard values.count == 2 else {
            throw MissingParameter(name: "\(name) as [y, x]")
        }
        return (values[0], values[1])
    }

    static func border(_ mode: String?) throws -> BorderMode {
        switch mode ?? "zeros" {
        case "zeros": return .zero
        case "replicate": return .replicate
        case "reflect": return .reflect
        default: throw MissingParameter(name: "padding_mode \(mode ?? "")")
        }
    }

    static func conv(_ p: FixtureManifest.Parameters, weight: Tensor, bias: Tensor?) throws -> Conv2d {
        let layer = try Conv2d(
            weight: weight, bias: bias,
            stride: try pair(p.stride, "stride"), padding: try pair(p.padding, "padding"),
            dilation: try pair(p.dilation, "dilation"), groups: try require(p.groups, "groups"),
            border: try border(p.padding_mode)
        )
        XCTAssertEqual(layer.inChannels, p.in_channels)
        XCTAssertEqual(layer.outChannels, p.out_channels)
        XCTAssertEqual(bias != nil, p.bias)
        return layer
    }

    static func batchNorm(_ p: FixtureManifest.Parameters, _ tensors: [String: Tensor], prefix: String = "") throws -> BatchNorm2d {
        let layer = try BatchNorm2d(
            weight: try require(tensors[prefix + "weight"], prefix + "weight"),
            bias: try require(tensors[prefix + "bias"], prefix + "bias"),
            runningMean: try require(tensors[prefix + "running_mean"], prefix + "running_mean"),
            runningVar: try require(tensors[prefix + "running_var"], prefix + "running_var"),
            eps: try require(p.eps, "eps")
        )
        XCTAssertEqual(layer.channels, p.num_features)
        return layer
    }

    /// The operation for a layer type; `tensors` maps the layer's parameter names (`weight`,
    /// `running_mean`, …) to tensors. `Conv2d+BatchNorm2d` builds the folded convolution.
    static func operation(type: String, params p: FixtureManifest.Parameters, tensors: [String: Tensor]) throws -> Graph.Operation {
        switch type {
        case "ReLU":
            return .layer(ReLU())
        case "LeakyReLU":
            return .layer(LeakyReLU(negativeSlope: try require(p.negative_slope, "negative_slope")))
        case "Sigmoid":
            return .layer(Sigmoid())
        case "Tanh":
            return .layer(Tanh())
        case "PReLU":
            let layer = try PReLU(weight: try require(tensors["weight"], "weight"))
            XCTAssertEqual(layer.weight.count, p.num_parameters)
            return .layer(layer)
        case "MaxPool2d":
            return .layer(try MaxPool2d(
                kernel: try pair(p.kernel_size, "kernel_size"), stride: try pair(p.stride, "stride"),
                padding: try pair(p.padding, "padding"), ceilMode: try require(p.ceil_mode, "ceil_mode")
            ))
        case "AvgPool2d":
            return .layer(try AvgPool2d(
                kernel: try pair(p.kernel_size, "kernel_size"), stride: try pair(p.stride, "stride"),
                padding: try pair(p.padding, "padding"), ceilMode: try require(p.ceil_mode, "ceil_mode"),
                countIncludePad: try require(p.count_include_pad, "count_include_pad"),
                divisorOverride: p.divisor_override
            ))
        case "GlobalAvgPool2d":
            return .layer(GlobalAvgPool2d())
        case "BatchNorm2d":
            return .layer(try batchNorm(p, tensors))
        case "Conv2d":
            return .layer(try conv(p, weight: try require(tensors["weight"], "weight"), bias: tensors["bias"]))
        case "Conv2d+BatchNorm2d":
            let convolution = try conv(try require(p.conv, "conv"), weight: try require(tensors["conv.weight"], "conv.weight"),
                                       bias: tensors["conv.bias"])
            return .layer(try convolution.folding(try batchNorm(try require(p.bn, "bn"), tensors, prefix: "bn.")))
        case "Upsample":
            let mode = try require(UpsampleMode(rawValue: try require(p.mode, "mode")), "mode")
            return .layer(Upsample(scale: try pair(p.scale_factor, "scale_factor"), mode: mode, alignCorners: p.align_corners ?? false))
        case "PixelShuffle":
            return .layer(try PixelShuffle(upscaleFactor: try require(p.upscale_factor, "upscale_factor")))
        case "ChannelSoftmax":
            XCTAssertEqual(p.dim, 1)
            return .layer(ChannelSoftmax())
        case "Normalize":
            return .layer(try Normalize(mean: try require(p.mean, "mean"), std: try require(p.std, "std"), scale: try require(p.scale, "scale")))
        case "Concat":
            XCTAssertEqual(p.dim, 1)
            return .merge(Concat())
        case "Add":
            return .merge(Add())
        default:
            throw MissingParameter(name: "layer type \(type)")
        }
    }
}
