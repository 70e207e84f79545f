/// Every size of a 2-D transposed convolution (ONNX `ConvTranspose`, PyTorch
/// `nn.ConvTranspose2d`) in one value, and the `Conv2dGeometry` whose `Col2im` scatters its
/// columns.
///
/// Shapes, axis by axis:
/// - input:  `[batch, inChannels, inputHeight, inputWidth]` (NCHW)
/// - weight: `[inChannels, outChannels / groups, kernelHeight, kernelWidth]` (ONNX and PyTorch
///   order: input channels first)
/// - output: `[batch, outChannels, outputHeight, outputWidth]`
///
/// Input sample `(iy, ix)` of channel `c` (group `g = c / (inChannels / groups)`) adds
/// `input · weight[c, o, i, j]` to output channel `g · outChannels / groups + o` at
/// `(iy · strideY + i · dilationY − padTop, ix · strideX + j · dilationX − padLeft)`; positions
/// outside the output are dropped. Output size, per axis (ONNX's formula):
///
///     outputHeight = strideY * (inputHeight - 1) + outputPaddingY + dilationY * (kernelHeight - 1) + 1
///                    - padTop - padBottom
///
/// and likewise for the width. `outputPadding` only adds rows and columns at the bottom and
/// right (they receive no input unless the end pads are larger).
public struct ConvTranspose2dGeometry: Equatable, Sendable {
    public let batch: Int
    public let inChannels: Int
    public let inputHeight: Int
    public let inputWidth: Int
    public let outChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let strideY: Int
    public let strideX: Int
    /// Rows removed from the top of the full result (ONNX `pads[0]`).
    public let padTop: Int
    /// Rows removed from the bottom (ONNX `pads[2]`).
    public let padBottom: Int
    /// Columns removed from the left (ONNX `pads[1]`).
    public let padLeft: Int
    /// Columns removed from the right (ONNX `pads[3]`).
    public let padRight: Int
    /// Rows added at the bottom (ONNX `output_padding[0]`).
    public let outputPaddingY: Int
    /// Columns added at the right (ONNX `output_padding[1]`).
    public let outputPaddingX: Int
    public let dilationY: Int
    public let dilationX: Int
    public let groups: Int

    /// Creates a geometry.
    ///
    /// - Precondition: positive sizes, strides, dilations and groups; non-negative pads and
    ///   output padding; channels divisible by `groups`; an output of at least one row and column.
    public init(batch: Int, inChannels: Int, inputHeight: Int, inputWidth: Int, outChannels: Int,
                kernelHeight: Int, kernelWidth: Int, strideY: Int = 1, strideX: Int = 1,
                padTop: Int = 0, padBottom: Int = 0, padLeft: Int = 0, padRight: Int = 0,
                outputPaddingY: Int = 0, outputPaddingX: Int = 0, dilationY: Int = 1, dilationX: Int = 1, groups: Int = 1) {
        Conv2dGeometry.checkSizes("ConvTranspose2dGeometry", batch: batch, inChannels: inChannels, inputHeight: inputHeight,
                                  inputWidth: inputWidth, outChannels: outChannels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                                  stride: (strideY, strideX), dilation: (dilationY, dilationX), groups: groups)
        precondition(min(padTop, padBottom, padLeft, padRight, outputPaddingY, outputPaddingX) >= 0,
                     "ConvTranspose2dGeometry: pads and output padding must be non-negative")
        (self.batch, self.inChannels, self.inputHeight, self.inputWidth, self.outChannels) = (batch, inChannels, inputHeight, inputWidth, outChannels)
        (self.kernelHeight, self.kernelWidth, self.strideY, self.strideX) = (kernelHeight, kernelWidth, strideY, strideX)
        (self.padTop, self.padBottom, self.padLeft, self.padRight) = (padTop, padBottom, padLeft, padRight)
        (self.outputPaddingY, self.outputPaddingX, self.dilationY, self.dilationX, self.groups) = (outputPaddingY, outputPaddingX, dilationY, dilationX, groups)
        precondition(outputHeight > 0 && outputWidth > 0, "ConvTranspose2dGeometry: pads leave no output")
    }

    /// The output length along one axis by ONNX's formula (0 or less when the pads take it all).
    public static func outputExtent(input: Int, stride: Int, dilation: Int, kernel: Int, padBegin: Int, padEnd: Int, outputPadding: Int) -> Int {
        stride * (input - 1) + outputPadding + dilation * (kernel - 1) + 1 - padBegin - padEnd
    }

    public var outputHeight: Int {
        Self.outputExtent(input: inputHeight, stride: strideY, dilation: dilationY, kernel: kernelHeight,
                          padBegin: padTop, padEnd: padBottom, outputPadding: outputPaddingY)
    }

    public var outputWidth: Int {
        Self.outputExtent(input: inputWidth, stride: strideX, dilation: dilationX, kernel: kernelWidth,
                          padBegin: padLeft, padEnd: padRight, outputPadding: outputPaddingX)
    }

    /// Input channels per group: K of each GEMM.
    public var inChannelsPerGroup: Int { inChannels / groups }
    /// Output channels per group.
    public var outChannelsPerGroup: Int { outChannels / groups }
    /// `[batch, inChannels, inputHeight, inputWidth]`.
    public var inputShape: Shape { Shape(batch, inChannels, inputHeight, inputWidth) }
    /// `[batch, outChannels, outputHeight, outputWidth]`.
    public var outputShape: Shape { Shape(batch, outChannels, outputHeight, outputWidth) }
    /// `[inChannels, outChannels / groups, kernelHeight, kernelWidth]`.
    public var weightShape: Shape { Shape(inChannels, outChannelsPerGroup, kernelHeight, kernelWidth) }

    /// The rows and columns of the full result before the pads remove any (pads 0, no output
    /// padding): `stride * (input - 1) + dilation * (kernel - 1) + 1`.
    public var fullHeight: Int { strideY * (inputHeight - 1) + dilationY * (kernelHeight - 1) + 1 }
    public var fullWidth: Int { strideX * (inputWidth - 1) + dilationX * (kernelWidth - 1) + 1 }

    /// Whether `Col2im` can scatter straight into the output: the convolution over the output
    /// padded by `padTop` and `padLeft` on every side has exactly the input's size, which holds
    /// when `0 <= outputPadding + padBegin - padEnd < stride` on both axes (PyTorch's usual
    /// `kernel 4, stride 2, padding 1` and `kernel 3, stride 2, padding 1, output_padding 1`).
    /// Otherwise the result goes through a full-size scratch image that is then cropped.
    public var scattersIntoOutput: Bool {
        let rows = Conv2dGeometry.outputExtent(input: outputHeight, pad: padTop, dilation: dilationY, kernel: kernelHeight, stride: strideY)
        let columns = Conv2dGeometry.outputExtent(input: outputWidth, pad: padLeft, dilation: dilationX, kernel: kernelWidth, stride: strideX)
        return rows == inputHeight && columns == inputWidth
    }

    /// The convolution whose `Col2im.accumulate` scatters columns of `channels` output channels
    /// (rows `(o * kernelHeight + i) * kernelWidth + j`, one column per input position) of one
    /// image: over the output itself with the begin pads when `scattersIntoOutput`, else over
    /// the `fullHeight × fullWidth` scratch image without padding. Its output is the input's
    /// `inputHeight × inputWidth`.
    public func scatterGeometry(channels: Int) -> Conv2dGeometry {
        let direct = scattersIntoOutput
        return Conv2dGeometry(batch: 1, inChannels: channels,
                              inputHeight: direct ? outputHeight : fullHeight, inputWidth: direct ? outputWidth : fullWidth,
                              outChannels: 1, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                              strideY: strideY, strideX: strideX, padY: direct ? padTop : 0, padX: direct ? padLeft : 0,
                              dilationY: dilationY, dilationX: dilationX)
    }
}
