import ConvoyMedia
import ConvoyNN
import ConvoyTensor
import ConvoyWeights

/// A learned filter: a network whose first output is a picture, 3 channels (RGB) or 1 (grey),
/// run on whole frames `[N, C, H, W]` (0…1 samples) batch by batch.
///
/// A network with 3 input channels sees RGB; one with 1 sees luma. The output may be larger or
/// smaller than the input (an upsampling network); the encoder is sized to it.
public final class ModelProcessor: FrameProcessor {
    /// The network as it runs for the frames of the last `outputSize` or `prepare`.
    public private(set) var graph: Graph
    public let inputChannels: Int
    public let space: FilterSpace
    /// The model file's name, for messages.
    public let name: String
    /// The loaded model, when the processor was made from one: its fixed input size, and its
    /// graph for each frame size when the graph depends on it.
    private let model: LoadedModel?
    /// The frame size `graph` was built for, when the model's graph depends on it.
    private var builtFor: (width: Int, height: Int)?
    /// Runs `graph` on groups of whole frames that fit `activationBudget`, in tiles only when one
    /// frame alone exceeds it.
    private var forward: TiledForward
    private var batcher: FrameBatcher?
    private var outputGroup: PlaneGroup?
    private var outputChannels = 0
    /// What the convolutions compute in on this CPU (the model's precision, resolved at init).
    private let precision: NetworkPrecision

    /// Checks that the network takes 3 or 1 channels.
    public convenience init(graph: Graph, inputChannels: Int, name: String) throws {
        try self.init(graph: graph, inputChannels: inputChannels, name: name, model: nil)
    }

    /// A processor for a model loaded from `name`: frames are scaled to its fixed input size,
    /// if it has one, and a graph whose folded shapes read the frame size is built for the
    /// frames' (`LoadedModel.resolved`).
    public convenience init(model: LoadedModel, name: String) throws {
        try self.init(graph: model.graph, inputChannels: model.inputChannels, name: name, model: model)
    }

    private init(graph: Graph, inputChannels: Int, name: String, model: LoadedModel?) throws {
        guard inputChannels == 3 || inputChannels == 1 else {
            throw ConvoyError("\(name): the model takes \(inputChannels) input channels; a filter model takes 3 (RGB) or 1 (luma).",
                              exitCode: ConvoyError.dataError)
        }
        self.graph = graph
        self.inputChannels = inputChannels
        self.name = name
        self.model = model
        precision = try ComputeThread.precision(of: model)
        space = inputChannels == 3 ? .rgb : .luma
        forward = TiledForward(graph: graph, field: ReceptiveField(graph: graph), warn: Log.warning)
    }

    public var fixedInput: (model: String, width: Int, height: Int)? {
        model?.fixedInputSize.map { (name, $0.x, $0.y) }
    }

    /// Builds the graph for frames of `width`×`height` when the model's graph depends on the
    /// frame size and was built for another.
    private func build(width: Int, height: Int) throws {
        guard let model, model.dependsOnFrameSize, builtFor.map({ $0 != (width, height) }) ?? true else { return }
        let budget = forward.budgetBytes
        graph = try model.resolved(height: height, width: width).graph
        forward = TiledForward(graph: graph, field: ReceptiveField(graph: graph), warn: Log.warning)
        forward.budgetBytes = budget
        builtFor = (width, height)
    }

    /// Batches whose activations would exceed this many bytes run in groups of whole frames, and a
    /// frame that alone exceeds it in tiles (`TiledForward`).
    public var activationBudget: Int {
        get { forward.budgetBytes }
        set { forward.budgetBytes = newValue }
    }

    /// Graph runs per group of frames in the last `process`: 1 when the frames ran whole, more
    /// when one frame alone was over the budget and ran in tiles.
    public var lastTileCount: Int { forward.lastTileCount }

    public func outputSize(width: Int, height: Int) throws -> (width: Int, height: Int) {
        try build(width: width, height: height)
        try forward.checkMemory(channels: inputChannels, width: width, height: height, model: name)
        let shape = try graph.outputShapes(for: Shape(1, inputChannels, height, width))[0]
        let allowed = inputChannels == 3 ? [1, 3] : [1]
        guard allowed.contains(shape.c) else {
            throw ConvoyError("the model's output \"\(graph.outputs[0])\" has \(shape.c) channels; a filter model gives \(allowed.map(String.init).joined(separator: " or ")).",
                              exitCode: ConvoyError.dataError)
        }
        return (shape.w, shape.h)
    }

    public func prepare(layout: [PlanarImage.Plane], batch: Int) throws {
        let group = PlaneGroup.groups(for: space, planes: layout)[0]
        try build(width: group.width, height: group.height)
        try forward.checkMemory(channels: inputChannels, width: group.width, height: group.height, model: name)
        batcher = FrameBatcher(group: group, capacity: batch)
        let shape = try graph.outputShapes(for: Shape(batch, inputChannels, group.height, group.width))[0]
        outputChannels = shape.c
        outputGroup = PlaneGroup(planes: Array(0..<shape.c), width: shape.w, height: shape.h)
    }

    public func process(_ images: [PlanarImage], context: ExecutionContext) -> [PlanarImage] {
        guard let batcher, let outputGroup else { preconditionFailure("process called before prepare") }
        let sameSize = outputGroup.width == batcher.group.width && outputGroup.height == batcher.group.height
        let outputs = sameSize ? images : images.map { image -> PlanarImage in
            let resized = PlanarImage(width: outputGroup.width, height: outputGroup.height, pixelFormat: image.pixelFormat)
            resized.timestamp = image.timestamp
            resized.duration = image.duration
            resized.index = image.index
            return resized
        }
        // Whole frames first: a batch over the activation budget runs in groups of whole frames
        // before any frame is cut into tiles.
        let group = batcher.group
        let groupSize = forward.framesPerRun(frameShape: Shape(1, inputChannels, group.height, group.width), batch: images.count)
        let workers = context.workspaces.count
        context.precision = precision
        for start in Swift.stride(from: 0, to: images.count, by: groupSize) {
            let range = start..<min(images.count, start + groupSize)
            let result = forward.forward(batcher.pack(Array(images[range]), workers: workers), context: context)[0]
            let targets = Array(outputs[range])
            if outputChannels == 3 || space == .luma {
                FrameBatcher.unpack(result, into: targets, group: outputGroup, workers: workers)
            } else {
                // One grey channel shown on RGB planes: the same values in R, G and B.
                for plane in 0..<3 {
                    FrameBatcher.unpack(result, into: targets, group: PlaneGroup(planes: [plane], width: outputGroup.width, height: outputGroup.height),
                                        workers: workers)
                }
            }
        }
        if space == .luma {
            for image in outputs { image.fillChromaNeutral() }
        }
        return outputs
    }
}
