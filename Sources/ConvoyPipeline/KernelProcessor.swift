import ConvoyFilters
import ConvoyMedia
import ConvoyNN
import ConvoyTensor

/// Fixed kernels over planes: each plane group is packed as `[N, P, H, W]`, viewed as
/// `[N·P, 1, H, W]` so every plane is filtered on its own by the same per-plane layer, and written
/// back into the same images.
public final class KernelProcessor: FrameProcessor {
    public let space: FilterSpace
    public let chroma: ChromaMode
    private let makeLayer: () throws -> Layer
    private var groups: [(batcher: FrameBatcher, layer: Layer, result: Tensor?)] = []

    /// `makeLayer` builds the per-plane layer (`[B, 1, H, W]` in and out); it is called once per
    /// plane group.
    public init(space: FilterSpace, chroma: ChromaMode = .keep, makeLayer: @escaping () throws -> Layer) {
        self.space = space
        self.chroma = space == .luma ? chroma : .keep
        self.makeLayer = makeLayer
    }

    /// Parses nothing: the kernels are already checked.
    public convenience init(kernels: [Kernel], border: BorderMode, space: FilterSpace, chroma: ChromaMode = .keep) {
        self.init(space: space, chroma: chroma, makeLayer: KernelChain.layerFactory(kernels: kernels, border: border))
    }

    public func outputSize(width: Int, height: Int) throws -> (width: Int, height: Int) { (width, height) }

    public func prepare(layout: [PlanarImage.Plane], batch: Int) throws {
        groups = try PlaneGroup.groups(for: space, planes: layout).map { group in
            let layer = try makeLayer()
            let planes = Shape(batch * group.planes.count, 1, group.height, group.width)
            guard try layer.validatedOutputShape(for: planes) == planes else {
                preconditionFailure("a plane filter must keep the plane's shape")
            }
            return (FrameBatcher(group: group, capacity: batch), layer, nil)
        }
    }

    public func process(_ images: [PlanarImage], context: ExecutionContext) -> [PlanarImage] {
        for index in groups.indices {
            let (batcher, layer, previous) = groups[index]
            let group = batcher.group
            let packed = batcher.pack(images)
            let planes = packed.reshaped(Shape(images.count * group.planes.count, 1, group.height, group.width))
            let result = previous.map { $0.resized(to: planes.shape) } ?? Tensor(shape: planes.shape)
            groups[index].result = result
            layer.forward(planes, into: result, context: context)
            FrameBatcher.unpack(result.reshaped(packed.shape), into: images, group: group)
        }
        if chroma == .neutral {
            for image in images { image.fillChromaNeutral() }
        }
        return images
    }
}
