import ConvoyTensor

/// A layer that reduces each channel's whole plane to one value (`GlobalAvgPool2d`,
/// `GlobalMaxPool2d`): input `[batch, channels, height, width]` → output
/// `[batch, channels, 1, 1]`, `output[n, c, 0, 0] = reduce(input[n, c, :, :])`. A conforming
/// layer gives `reduce`; the shapes and the parallel loop over the planes are this protocol's.
public protocol GlobalReduction: Layer {
    /// The value of one plane of `count` (at least 1) samples in a row.
    func reduce(_ plane: UnsafePointer<Float>, count: Int) -> Float
}

extension GlobalReduction {
    /// `[batch, channels, 1, 1]`.
    ///
    /// - Precondition: rank 4 with a non-empty plane.
    public func outputShape(for input: Shape) -> Shape {
        precondition(input.rank == 4 && input.h >= 1 && input.w >= 1, "\(Self.self) needs a non-empty [N, C, H, W], got \(input)")
        return Shape(input.n, input.c, 1, 1)
    }

    /// `outputShape(for:)`, throwing when the input is not rank 4 or has an empty plane.
    public func validatedOutputShape(for input: Shape) throws -> Shape {
        guard input.rank == 4 else {
            throw LayerConfigurationError.inputNotRank4(input)
        }
        guard input.h >= 1 && input.w >= 1 else {
            throw LayerConfigurationError.inputTooSmall(input: input, kernelHeight: 1, kernelWidth: 1)
        }
        return outputShape(for: input)
    }

    /// Writes each plane's value into `output`, which must not share storage with `input`
    /// unless the plane is one sample.
    public func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        let shape = outputShape(for: input.shape)
        precondition(output.shape == shape, "\(Self.self) output \(output.shape) must be \(shape)")
        precondition(output.storage !== input.storage || input.shape.h * input.shape.w == 1, "\(Self.self) cannot run in place")
        let plane = input.shape.h * input.shape.w
        let source = UnsafePointer(input.pointer)
        let destination = output.pointer
        context.forEachTask(shape.n * shape.c, elements: input.count) { task in
            destination[task] = reduce(source + task * plane, count: plane)
        }
    }
}
