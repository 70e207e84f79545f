import ConvoyTensor

/// Consecutive graph nodes that one `BlockedChain` computes: a convolution, then any of
/// activations (ReLU, leaky ReLU, PReLU, as post-ops of the convolution before them), max pools
/// and further convolutions, each node read only by the next, none of them but the last a graph
/// output, and adjacent in the node list (so nothing else runs between them and the buffer plan
/// stays true).
///
/// The run keeps its chains per input shape, precision and worker count. With several workers,
/// each worker has a chain for one image (oneDNN on one thread) and the images are shared out by
/// `TaskQueue`, so a worker whose core is taken does not hold the others back; the images left
/// over when the batch does not divide among the workers (all of them, for a batch smaller than
/// the workers) go through one chain on oneDNN's threads.
final class BlockedRun {
    /// The graph's node indices, first to last.
    let nodes: ClosedRange<Int>
    private let layers: [Layer]
    private var chains: [Key: BlockedChain] = [:]
    private var refused: Set<Key> = []
    /// At most this many chains are kept (TiledForward's edge tiles give a few shapes; each holds
    /// its images' intermediate results).
    private static let cacheLimit = 8

    private struct Key: Hashable {
        let shape: Shape
        let precision: NetworkPrecision
        let threads: Int
        let worker: Int
    }

    init(nodes: ClosedRange<Int>, layers: [Layer]) {
        precondition(layers.count == nodes.count, "A BlockedRun needs one layer per node")
        self.nodes = nodes
        self.layers = layers
    }

    /// The chains for an input of `shape` (built on first use), or nil when oneDNN cannot
    /// compute the run for it.
    func chains(for shape: Shape, context: ExecutionContext) -> BlockedRunChains? {
        let workers = context.workspaces.count
        // Images a worker's one-image chain takes, and the rest (fewer than the workers) for one
        // chain on oneDNN's threads, so that no worker waits while another runs the last image.
        let shared = workers > 1 ? shape.n - shape.n % workers : 0
        let rest = shape.n - shared
        let perImage = shared > 0 ? (0..<workers).map { worker in chain(Shape(1, shape.c, shape.h, shape.w), worker: worker, threads: 1, context) } : []
        let whole = rest > 0 ? chain(Shape(rest, shape.c, shape.h, shape.w), worker: 0, threads: workers, context) : nil
        guard !perImage.contains(where: { $0 == nil }), rest == 0 || whole != nil else { return nil }
        return BlockedRunChains(perImage: perImage.map { $0! }, rest: whole)
    }

    /// Worker `worker`'s chain for `shape` on `threads` oneDNN threads, built on first use: the
    /// one-image chains serve every batch size, so a batch of 3 and one of 2 share them.
    private func chain(_ shape: Shape, worker: Int, threads: Int, _ context: ExecutionContext) -> BlockedChain? {
        let key = Key(shape: shape, precision: context.precision, threads: threads, worker: worker)
        if let chain = chains[key] { return chain }
        if refused.contains(key) { return nil }
        do {
            let chain = try BlockedChain.make(layers: blockedLayers(for: shape), input: shape, precision: context.precision, threads: threads)
            if chains.count >= BlockedRun.cacheLimit { chains.removeAll() }
            chains[key] = chain
            return chain
        } catch {
            refused.insert(key)
            return nil
        }
    }

    /// Computes the run on `input` into `output` (the last node's output) with `chains` from
    /// `chains(for: input.shape, context:)`.
    func forward(_ input: Tensor, into output: Tensor, chains: BlockedRunChains) {
        let inputImage = input.count / input.shape.n, outputImage = output.count / output.shape.n
        let shared = input.shape.n - (chains.rest?.inputShape.n ?? 0)
        if shared > 0 {
            TaskQueue.run(tasks: shared, workers: chains.perImage.count) { worker, image in
                chains.perImage[worker].run(input.pointer + image * inputImage, into: output.pointer + image * outputImage)
            }
        }
        chains.rest?.run(input.pointer + shared * inputImage, into: output.pointer + shared * outputImage)
    }

    /// The run's layers as `BlockedChain` layers for an input of `shape`: each activation joins
    /// the convolution before it; a pooled convolution is a convolution and a 2×2 pool.
    func blockedLayers(for shape: Shape) -> [BlockedLayer] {
        var result: [BlockedLayer] = []
        var shape = shape
        for layer in layers {
            let next = layer.outputShape(for: shape)
            switch BlockedRun.role(of: layer) {
            case .convolution(let convolution):
                let geometry = convolution.geometry(for: shape)
                result.append(.convolution(geometry: geometry, weight: convolution.weight, bias: convolution.bias,
                                           activation: convolution.activation == .relu ? .relu : .none))
                if convolution.fusedMaxPool {
                    result.append(.maxPool(input: geometry.outputShape, output: next, kernel: (2, 2), stride: (2, 2), padding: (0, 0),
                                           dilation: (1, 1)))
                }
            case .activation(let activation):
                guard case .convolution(let geometry, let weight, let bias, .none) = result.removeLast() else {
                    preconditionFailure("A BlockedRun activation must follow a convolution without one")
                }
                result.append(.convolution(geometry: geometry, weight: weight, bias: bias, activation: activation))
            case .pool(let pool):
                result.append(.maxPool(input: shape, output: next, kernel: pool.kernel, stride: pool.stride, padding: pool.padding,
                                       dilation: pool.dilation))
            case nil:
                preconditionFailure("A BlockedRun holds a layer no BlockedChain computes")
            }
            shape = next
        }
        return result
    }

    /// What a layer is to a chain.
    enum Role {
        case convolution(Conv2d)
        case activation(BlockedActivation)
        case pool(MaxPool2d)
    }

    /// The layer's role in a chain, or nil when a chain cannot compute it (a convolution whose
    /// padding reads the picture's edges, for instance).
    static func role(of layer: Layer) -> Role? {
        switch layer {
        case let convolution as Conv2d:
            return convolution.border == .zero && convolution.groups == 1 ? .convolution(convolution) : nil
        case is ReLU:
            return .activation(.relu)
        case let leaky as LeakyReLU:
            return .activation(.leakyReLU(slope: leaky.negativeSlope))
        case let prelu as PReLU:
            return .activation(.prelu(slopes: prelu.weight))
        case let pool as MaxPool2d:
            return .pool(pool)
        default:
            return nil
        }
    }

    /// Whether a convolution in a chain can take an activation after it as its post-op.
    static func takesActivation(_ layer: Layer) -> Bool {
        guard let convolution = layer as? Conv2d else { return false }
        return convolution.activation == .none && !convolution.fusedMaxPool
    }
}
