import ConvoyFilters
import ConvoyMedia
import ConvoyNN
import ConvoyTensor

/// Fixed kernels over planes, every plane filtered on its own by the same kernels, written back
/// into the same images.
///
/// Two engines compute the same thing (see `KernelEngine`). The direct one streams each plane's
/// rows through a `PlaneStreamFilter`, the planes of a batch shared among the context's workers.
/// The im2col one packs each plane group as `[N, P, H, W]`, views it as `[N·P, 1, H, W]` and runs
/// the per-plane layer (im2col + SGEMM); it serves custom layers and planes smaller than a kernel.
public final class KernelProcessor: FrameProcessor {
    public let space: FilterSpace
    public let chroma: ChromaMode
    /// The kernels and border, when the processor was made from them (the direct engine needs them).
    public var chain: FilterChain? {
        if case .kernels(let chain) = filter { return chain }
        return nil
    }
    /// Which engine runs the kernels.
    public var engine: KernelEngine = .auto
    /// What happens to an alpha plane: copied unfiltered (the default) or filtered like the others.
    public var alpha: AlphaMode = .copy
    /// The engine `prepare` chose (`.direct` or `.im2col`); nil before it runs.
    public var activeEngine: KernelEngine? { prepared ? (streamFilters.isEmpty ? .im2col : .direct) : nil }
    private var prepared = false
    /// What filters each plane: kernels (either engine) or a layer factory (im2col only).
    private let filter: Filter
    private enum Filter {
        case kernels(FilterChain)
        /// Builds the per-plane layer (`[B, 1, H, W]` in and out), once per plane group.
        case layer(() throws -> Layer)
    }
    private var groups: [(batcher: FrameBatcher, layer: Layer, result: Tensor?)] = []
    /// One direct filter per worker thread, when the direct engine runs.
    private var streamFilters: [PlaneStreamFilter] = []
    private var streamPlanes: [Int] = []

    /// `makeLayer` builds the per-plane layer (`[B, 1, H, W]` in and out); it is called once per
    /// plane group.
    public convenience init(space: FilterSpace, chroma: ChromaMode = .keep, makeLayer: @escaping () throws -> Layer) {
        self.init(space: space, chroma: chroma, filter: .layer(makeLayer))
    }

    /// Filters with `chain`'s kernels (parsed and checked already), in order.
    public convenience init(chain: FilterChain, space: FilterSpace, chroma: ChromaMode = .keep) {
        self.init(space: space, chroma: chroma, filter: .kernels(chain))
    }

    /// Filters with `kernels` in order, with `border` (parsed and checked already).
    public convenience init(kernels: [Kernel], border: BorderMode, space: FilterSpace, chroma: ChromaMode = .keep) {
        self.init(chain: FilterChain(kernels: kernels, border: border), space: space, chroma: chroma)
    }

    private init(space: FilterSpace, chroma: ChromaMode, filter: Filter) {
        self.space = space
        self.chroma = space == .luma ? chroma : .keep
        self.filter = filter
    }

    /// A new per-plane layer (`[B, 1, H, W]` in and out).
    private func makeLayer() throws -> Layer {
        switch filter {
        case .kernels(let chain): return try chain.makeLayer()
        case .layer(let make): return try make()
        }
    }

    public func outputSize(width: Int, height: Int) throws -> (width: Int, height: Int) { (width, height) }

    public func prepare(layout: [PlanarImage.Plane], batch: Int) throws {
        streamFilters = []
        prepared = true
        let selected = PlaneGroup.selection(for: space, planes: layout, includingAlpha: alpha == .filter)
        if engine != .im2col, let chain {
            let probe = PlaneStreamFilter(chain: chain)
            if selected.allSatisfy({ probe.supports(width: layout[$0].width, height: layout[$0].height) }) {
                streamFilters = [probe]
                streamPlanes = selected
                groups = []
                return
            }
        }
        groups = try PlaneGroup.groups(for: space, planes: layout, includingAlpha: alpha == .filter).map { group in
            let layer = try makeLayer()
            let planes = Shape(batch * group.planes.count, 1, group.height, group.width)
            guard try layer.validatedOutputShape(for: planes) == planes else {
                preconditionFailure("a plane filter must keep the plane's shape")
            }
            return (FrameBatcher(group: group, capacity: batch), layer, nil)
        }
    }

    /// The direct engine filters each plane on its own, so a batch only has to give every worker
    /// a plane: as many frames as workers (up to `batch`). Each frame held back for a batch of 8
    /// cost 6 MB at 1080p RGB.
    public func framesPerCall(batch: Int, workers: Int) -> Int {
        activeEngine == .direct ? min(batch, max(1, workers)) : batch
    }

    public func process(_ images: [PlanarImage], context: ExecutionContext) -> [PlanarImage] {
        if let chain, !streamFilters.isEmpty {
            while streamFilters.count < context.workspaces.count { streamFilters.append(PlaneStreamFilter(chain: chain)) }
            filterDirectly(images, workers: context.workspaces.count)
        }
        for index in groups.indices {
            let (batcher, layer, previous) = groups[index]
            let group = batcher.group
            let packed = batcher.pack(images, workers: context.workspaces.count)
            let planes = packed.reshaped(Shape(images.count * group.planes.count, 1, group.height, group.width))
            let result = previous.map { $0.resized(to: planes.shape) } ?? Tensor(shape: planes.shape)
            groups[index].result = result
            layer.forward(planes, into: result, context: context)
            FrameBatcher.unpack(result.reshaped(packed.shape), into: images, group: group, workers: context.workspaces.count)
        }
        if chroma == .neutral {
            for image in images { image.fillChromaNeutral() }
        }
        return images
    }

    /// The direct engine: every selected plane of every image is one task; `workers` threads take
    /// tasks in turn, each with its own filter.
    private func filterDirectly(_ images: [PlanarImage], workers: Int) {
        let planes = streamPlanes
        let filters = streamFilters
        TaskQueue.run(tasks: images.count * planes.count, workers: workers) { worker, task in
            let image = images[task / planes.count], index = planes[task % planes.count]
            let plane = image.planes[index]
            filters[worker].apply(to: UnsafeMutableRawPointer(image.plane(index)), width: plane.width, height: plane.height,
                                  stride: plane.stride, bytesPerSample: image.bytesPerSample, maxLevel: image.maxLevel)
        }
    }
}
