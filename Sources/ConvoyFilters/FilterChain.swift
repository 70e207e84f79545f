import ConvoyNN
import ConvoyTensor

/// Kernels applied one after another to every image plane, with one border mode.
///
/// The chain works on single planes: its layer takes `[planes, 1, height, width]` and returns the
/// same shape, so a pipeline reshapes a batch of frames `[N, C, H, W]` to `[N·C, 1, H, W]` and
/// every plane (R, G, B or Y, U, V) of every frame is filtered independently with the same kernels.
/// Each kernel is padded by `height/2` rows and `width/2` columns, read according to `border`, so
/// images keep their size; kernels are applied by correlation (see ``Kernel``).
public struct FilterChain: Equatable, Sendable {
    /// The kernels, in the order they are applied.
    public let kernels: [Kernel]
    /// What every kernel reads beyond the image edges.
    public let border: BorderMode

    /// Creates a chain. An empty chain passes images through unchanged.
    public init(kernels: [Kernel], border: BorderMode) {
        self.kernels = kernels
        self.border = border
    }

    /// Creates a chain from kernel specs such as `gaussian:sigma=2` or `[1 2 1]/4`.
    ///
    /// - Throws: ``KernelSpecError`` for the first spec that cannot be read.
    public init(specs: [String], border: BorderMode) throws {
        self.init(kernels: try specs.map(KernelSpec.parse), border: border)
    }

    /// The channels each input plane turns into: always 1, since gradient-magnitude kernels fold
    /// their x and y responses back into one plane.
    public var outputChannelsPerPlane: Int { 1 }

    /// Builds the layer that applies the chain to `[planes, 1, height, width]` tensors.
    ///
    /// A linear kernel becomes a 1→1 `Conv2d` whose bias is the kernel's bias. A gradient-magnitude
    /// kernel becomes a 1→2 `Conv2d` (x weights, then y weights; one GEMM for both) followed by
    /// `ChannelPairMagnitude` and, when it has a bias, ``AddConstant``. The layers run in order in
    /// a `Sequential`, which keeps its intermediate buffers between calls, so one layer must not
    /// run on two threads at once; make one layer per thread.
    ///
    /// - Throws: `LayerConfigurationError` if ConvoyNN refuses a convolution; validated kernels
    ///   always make valid ones.
    public func makeLayer() throws -> Layer {
        var layers: [Layer] = []
        for kernel in kernels {
            layers += try FilterChain.layers(for: kernel, border: border)
        }
        return Sequential(layers)
    }

    /// The layers that apply one kernel to `[planes, 1, height, width]`.
    private static func layers(for kernel: Kernel, border: BorderMode) throws -> [Layer] {
        let padding = (y: kernel.height / 2, x: kernel.width / 2)
        let plane = Array(kernel.weights.joined())
        switch kernel.kind {
        case .linear:
            let convolution = try Conv2d(
                weight: Tensor(shape: Shape(1, 1, kernel.height, kernel.width), values: plane),
                bias: Tensor(shape: Shape(1), values: [kernel.bias]),
                padding: padding,
                border: border
            )
            return [convolution]
        case .gradientMagnitude:
            let partner = Array((kernel.partnerWeights ?? []).joined())
            precondition(partner.count == plane.count, "A gradient-magnitude kernel needs two matrices of one size")
            let convolution = try Conv2d(
                weight: Tensor(shape: Shape(2, 1, kernel.height, kernel.width), values: plane + partner),
                bias: nil,
                padding: padding,
                border: border
            )
            var layers: [Layer] = [convolution, ChannelPairMagnitude()]
            if kernel.bias != 0 { layers.append(AddConstant(kernel.bias)) }
            return layers
        }
    }
}
