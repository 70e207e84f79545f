import ArgumentParser

/// One timed workload of `convoy-bench`: a convolution layer (a one-node graph, as a model's
/// layer runs), the benchmarks' 3-layer feature
/// network, the fixed RGB 3×3 Gaussian through one of the two kernel engines, or Sobel on luma.
///
/// FLOP count per frame (`flopsPerFrame`), multiply-adds counted as 2 FLOPs and nothing else
/// (bias, ReLU, conversions and padding are free):
///
///     FLOP = 2 · outChannels · height · width · (inChannels / groups) · kernelHeight · kernelWidth
///
/// with the output the size of the input (3×3, stride 1, padding 1). The Gaussian filters the
/// three planes of a frame: 2 · 3 · H · W · 9, as the depthwise layer; Sobel makes two
/// correlations of one plane: 2 · 2 · H · W · 9 (its square root is free). The feature network
/// counts its three convolutions, the last two on the pooled half-size frame.
enum BenchCase: String, CaseIterable, ExpressibleByArgument {
    /// Conv 3→16, 3×3, padding 1, bias, ReLU fused (`Conv2d(activation: .relu)`).
    case conv3to16 = "conv-3-16"
    /// Conv 16→32, 3×3, padding 1, bias, ReLU fused.
    case conv16to32 = "conv-16-32"
    /// Conv 32→32, 3×3, padding 1, bias, ReLU fused (tiny-features' last layer).
    case conv32to32 = "conv-32-32"
    /// Depthwise 3×3 on RGB: 3→3, groups 3, padding 1, bias, no activation.
    case depthwiseRGB = "depthwise-rgb"
    /// The network of `convoy features` in `make bench` (Samples/Models/tiny-features): conv
    /// 3→16, ReLU, 2×2 max pool, conv 16→32, ReLU, conv 32→32, ReLU (3×3, padding 1), with
    /// random weights.
    case tinyFeatures = "tiny-features"
    /// The same network imported from its ONNX file (`--onnx`, by default the test fixture
    /// Tests/ConvoyWeightsTests/Fixtures/onnx/tiny-features.onnx, the Samples weights) by
    /// `ONNXLoader`, as `convoy features --model net.onnx` runs it.
    case tinyFeaturesONNX = "tiny-features-onnx"
    /// The fixed 3×3 Gaussian on the 8-bit R, G and B planes through `PlaneStreamFilter`.
    case gaussianDirect = "gaussian-direct"
    /// Sobel magnitude (`convoy filter --kernel sobel --space luma`) on one 8-bit plane per frame
    /// through `PlaneStreamFilter`: two 3×3 correlations per sample, plus the square root.
    case sobelDirect = "sobel-direct"
    /// The same Gaussian as the per-plane layer `FilterChain.makeLayer()` on `[N·3, 1, H, W]`
    /// Float32 (im2col + SGEMM).
    case gaussianIm2col = "gaussian-im2col"

    /// `(inChannels, outChannels, groups)` of the convolution the case runs.
    var channels: (input: Int, output: Int, groups: Int) {
        switch self {
        case .conv3to16: return (3, 16, 1)
        case .conv16to32: return (16, 32, 1)
        case .conv32to32: return (32, 32, 1)
        case .depthwiseRGB, .gaussianDirect, .gaussianIm2col: return (3, 3, 3)
        case .sobelDirect: return (1, 2, 1)
        case .tinyFeatures, .tinyFeaturesONNX: return (3, 32, 1)
        }
    }

    /// FLOPs per frame of `width`×`height` (see the type's comment for the formula).
    func flopsPerFrame(width: Int, height: Int) -> Double {
        if self == .tinyFeatures || self == .tinyFeaturesONNX {
            let pooled = Double(height / 2) * Double(width / 2)
            return 2 * 9 * (16 * 3 * Double(height) * Double(width) + 32 * 16 * pooled + 32 * 32 * pooled)
        }
        let (input, output, groups) = channels
        return 2 * Double(output) * Double(height) * Double(width) * Double(input / groups) * 9
    }
}
