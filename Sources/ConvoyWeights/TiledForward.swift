import ConvoyNN
import ConvoyTensor

/// Runs a `Graph` over a batch of frames `[batch, channels, height, width]`, whole when its
/// activations fit a memory budget, otherwise in overlapping tiles whose outputs are the whole
/// frame's, sample for sample.
///
/// ```swift
/// let forward = TiledForward(graph: model.graph, field: ReceptiveField(graph: model.graph))
/// let outputs = forward.forward(frames, context: context)   // as model.graph.forward(frames, …)
/// ```
///
/// When the estimated peak of the graph's activations for the batch
/// (`estimatedPeakBytes(for:)`) is over `budgetBytes`, or a tile size is forced, and the
/// receptive field says the model is tileable, the frame is cut as `ReceptiveField` describes:
/// cores on the alignment grid, each widened by the halo and clipped to the frame, run through
/// the graph one by one (every frame of the batch at once), and the samples each core owns copied
/// into full-size outputs. Rows are cut first, into strips as tall as the budget allows, so
/// tiles keep whole rows; columns only when a strip would be thinner than twice the halo (and at
/// least 16 rows). A model that is not tileable runs whole whatever its size, with one warning.
///
/// Buffers: the tile input and the assembled outputs are kept between calls and grow to the
/// largest batch seen; the plan is kept while the input shape stays the same. The budget bounds
/// one graph run's activations (the tile's, input included); the assembled outputs come on top.
/// As `Graph.forward`, the returned tensors stay valid until the next call, and one
/// `TiledForward` must not run on two threads at once.
public final class TiledForward {
    /// The default activation budget: 256 MiB.
    public static let defaultBudgetBytes = 256 << 20

    /// The network.
    public let graph: Graph
    /// Where tiles start and how far they reach; nil runs every frame whole.
    public let field: ReceptiveField?
    /// Batches whose estimated activations (`estimatedPeakBytes(for:)`) exceed this many bytes
    /// run in tiles.
    public var budgetBytes: Int
    /// When set, tileable models always run in tiles whose cores are this many input rows and
    /// columns (rounded up to the alignment), whatever the budget; for tests and tuning.
    public var forcedTile: (height: Int, width: Int)?

    /// Graph runs per batch in the last `forward`: 1 when the frame ran whole.
    public private(set) var lastTileCount = 0
    /// The core size of the tiles of the last `forward`, in input pixels (the last row and
    /// column of tiles take what is left), or nil when the frame ran whole.
    public private(set) var lastTileSize: (height: Int, width: Int)?

    private var plan: Plan?
    private var tileStorage: TensorStorage?
    private var outputStorages: [TensorStorage?]
    private var warned = false
    private let warn: (String) -> Void

    /// Creates the runner.
    ///
    /// - Parameters:
    ///   - graph: the network.
    ///   - field: its receptive field (`ReceptiveField(graph:)`, or from the model file); nil,
    ///     or one that is not tileable, runs every frame whole.
    ///   - budgetBytes: frames whose activations would exceed this run in tiles.
    ///   - forcedTile: always tile, with cores of this size (input pixels).
    ///   - warn: told once, in a sentence, when frames over the budget must run whole because the
    ///     model cannot run in tiles.
    /// - Precondition: a tileable `field` describes the graph's outputs, in order.
    public init(graph: Graph, field: ReceptiveField?, budgetBytes: Int = TiledForward.defaultBudgetBytes,
                forcedTile: (height: Int, width: Int)? = nil, warn: @escaping (String) -> Void = { _ in }) {
        if let field, field.isTileable {
            precondition(field.outputs.map(\.name) == graph.outputs,
                         "ReceptiveField outputs \(field.outputs.map(\.name)) are not the graph's \(graph.outputs)")
        }
        self.graph = graph
        self.field = field
        self.budgetBytes = budgetBytes
        self.forcedTile = forcedTile
        self.warn = warn
        outputStorages = Array(repeating: nil, count: graph.outputs.count)
    }

    /// Why frames run whole however large they are, or nil when the model can run in tiles.
    public var untileableReason: String? {
        guard let field else {
            return "no receptive field was given"
        }
        return field.untileableReason
    }

    /// Runs the graph on `input` (`[batch, channels, height, width]`) and returns its outputs in
    /// `graph.outputs` order, with the shapes `graph.forward` gives and (within rounding of the
    /// sums) its values. The tensors stay valid until the next call.
    ///
    /// - Precondition: the input fits the graph (check once with `graph.outputShapes(for:)`).
    public func forward(_ input: Tensor, context: ExecutionContext) -> [Tensor] {
        let plan = currentPlan(for: input.shape)
        lastTileCount = plan.tileCount
        guard !plan.isWhole else {
            lastTileSize = nil
            return graph.forward(input, context: context)
        }
        lastTileSize = (plan.rows[0].core.count, plan.columns[0].core.count)

        let tileCount = plan.largestTileCount
        if (tileStorage?.capacity ?? -1) < tileCount {
            tileStorage = TensorStorage(capacity: tileCount, zeroed: false)
        }
        let outputs = plan.outputShapes.enumerated().map { index, shape -> Tensor in
            if (outputStorages[index]?.capacity ?? -1) < shape.count {
                outputStorages[index] = TensorStorage(capacity: shape.count, zeroed: false)
            }
            return Tensor(shape: shape, storage: outputStorages[index]!)
        }
        for rows in plan.rows {
            for columns in plan.columns {
                let tile = Tensor(shape: Shape(input.shape.n, input.shape.c, rows.tile.count, columns.tile.count), storage: tileStorage!)
                Self.copy(from: input, rows: rows.tile, columns: columns.tile, into: tile, at: (0, 0))
                let results = graph.forward(tile, context: context)
                for (index, result) in results.enumerated() {
                    let ownedRows = rows.owned[index]
                    let ownedColumns = columns.owned[index]
                    guard !ownedRows.isEmpty && !ownedColumns.isEmpty else { continue }
                    let from = (rows.offsets[index], columns.offsets[index])
                    precondition(ownedRows.upperBound - from.0 <= result.shape.h && ownedColumns.upperBound - from.1 <= result.shape.w,
                                 "Tile output \(result.shape) of \(graph.outputs[index]) does not cover rows \(ownedRows), columns \(ownedColumns) from \(from)")
                    Self.copy(from: result, rows: (ownedRows.lowerBound - from.0)..<(ownedRows.upperBound - from.0),
                              columns: (ownedColumns.lowerBound - from.1)..<(ownedColumns.upperBound - from.1),
                              into: outputs[index], at: (ownedRows.lowerBound, ownedColumns.lowerBound))
                }
            }
        }
        return outputs
    }

    /// How many whole frames of `frameShape` (`[1, channels, height, width]`) one graph run should
    /// take from a batch of `batch`: as many as `budgetBytes` holds, at least 1. Callers run a
    /// batch over the budget in groups of this many whole frames, so no frame is cut into tiles
    /// (their halos and copies cost 8% of a 720p `convoy features` run) unless one frame alone is
    /// over the budget.
    public func framesPerRun(frameShape: Shape, batch: Int) -> Int {
        let perFrame = (try? estimatedPeakBytes(for: frameShape)) ?? budgetBytes
        return max(1, min(batch, budgetBytes / max(1, perFrame)))
    }

    /// An estimate of the bytes of activations `graph.forward` holds at its peak for an input of
    /// `input`: the input plus, at the worst node, every tensor computed and still to be read
    /// (outputs are read to the end), where an in-place layer whose input nothing reads later
    /// shares that input's buffer, as `Graph` plans it. (`Graph` also reuses freed buffers for
    /// later tensors, sized to the largest they hold, so its own total may differ a little.)
    ///
    /// - Throws: `GraphError` when the input does not fit the graph.
    public func estimatedPeakBytes(for input: Shape) throws -> Int {
        let shapes = try graph.shapes(for: input)
        var live = Set(graph.outputs)
        for node in graph.nodes.reversed() where live.contains(node.name) {
            live.formUnion(node.inputs)
        }
        var lastReader: [String: Int] = [:]
        for (index, node) in graph.nodes.enumerated() where live.contains(node.name) {
            for source in node.inputs {
                lastReader[source] = index
            }
        }
        for output in graph.outputs {
            lastReader[output] = Int.max
        }
        var held = 0
        var peak = 0
        for (index, node) in graph.nodes.enumerated() where live.contains(node.name) {
            var inPlace = false
            if case .layer(let layer) = node.operation, layer is InPlaceLayer, node.inputs[0] != Graph.inputName {
                inPlace = lastReader[node.inputs[0]] == index
            }
            if !inPlace {
                held += shapes[node.name]!.count
                peak = max(peak, held)
            }
            for source in Set(node.inputs) where source != Graph.inputName && lastReader[source] == index && !inPlace {
                held -= shapes[source]!.count
            }
        }
        return (input.count + peak) * MemoryLayout<Float>.size
    }

    /// The least memory one frame of `frameShape` (`[1, channels, height, width]`) needs however
    /// it is run: its input and its whole outputs, and, for a model that cannot run in tiles,
    /// every activation too; nil when that is more bytes than `Int` counts. Computed from the
    /// shapes alone, so a frame size whose outputs would not fit anywhere can be refused before
    /// anything is allocated (`MemoryLimit`).
    public func leastBytes(frameShape: Shape) throws -> Int? {
        let outputs = try graph.outputShapes(for: frameShape).map { MemoryLimit.count($0.dims) }
        var counts = [MemoryLimit.count(frameShape.dims)] + outputs
        if !(field?.isTileable ?? false) {
            let shapes = try graph.shapes(for: frameShape)
            counts += graph.nodes.map { node in shapes[node.name].flatMap { MemoryLimit.count($0.dims) } }
        }
        return MemoryLimit.sum(counts).flatMap { MemoryLimit.product($0, MemoryLayout<Float>.size) }
    }

    /// The plan for `shape`, kept while the shape and settings stay the same.
    private func currentPlan(for shape: Shape) -> Plan {
        if let plan, plan.fits(shape, budgetBytes: budgetBytes, forcedTile: forcedTile) {
            return plan
        }
        let made = makePlan(for: shape)
        plan = made
        return made
    }

    private func makePlan(for shape: Shape) -> Plan {
        let outputShapes: [Shape]
        do {
            outputShapes = try graph.outputShapes(for: shape)
        } catch {
            preconditionFailure("TiledForward input \(shape) does not fit the graph: \(error)")
        }
        let whole = Plan(input: shape, budgetBytes: budgetBytes, forcedTile: forcedTile, outputShapes: outputShapes, rows: [], columns: [])
        guard shape.n >= 1, forcedTile != nil || ((try? estimatedPeakBytes(for: shape)) ?? 0) > budgetBytes else {
            return whole
        }
        guard let field, field.isTileable else {
            if !warned && forcedTile == nil {
                warned = true
                let mebibytes = { (bytes: Int) in (bytes + (1 << 20) - 1) >> 20 }
                warn("the model cannot run in tiles (\(untileableReason ?? "")); running whole \(shape.w)×\(shape.h) frames, "
                    + "about \(mebibytes((try? estimatedPeakBytes(for: shape)) ?? 0)) MiB of activations per batch "
                    + "(budget \(mebibytes(budgetBytes)) MiB).")
            }
            return whole
        }
        var core = coreSize(for: shape, field: field)
        // A tile too small for some layer (or whose cut a merge cannot take) gets larger cores;
        // the whole frame always fits.
        while core.height < shape.h || core.width < shape.w {
            if let plan = tiles(for: shape, core: core, field: field, outputShapes: outputShapes) {
                return plan
            }
            core = (Self.roundUp(core.height * 2, to: field.alignment.y), Self.roundUp(core.width * 2, to: field.alignment.x))
        }
        return whole
    }

    /// Core rows and columns: the forced size, or strips as tall as the budget allows.
    private func coreSize(for shape: Shape, field: ReceptiveField) -> (height: Int, width: Int) {
        let alignment = field.alignment
        if let forcedTile {
            return (Self.roundUp(max(forcedTile.height, 1), to: alignment.y), Self.roundUp(max(forcedTile.width, 1), to: alignment.x))
        }
        let halo = field.halo
        let extra = (y: halo.top + halo.bottom + 2 * (alignment.y - 1), x: halo.left + halo.right + 2 * (alignment.x - 1))
        let smallest = (y: Self.roundUp(max(16, 2 * (halo.top + halo.bottom)), to: alignment.y),
                        x: Self.roundUp(max(16, 2 * (halo.left + halo.right)), to: alignment.x))
        var cuts = (rows: 1, columns: 1)
        while true {
            let core = (height: Self.roundUp((shape.h + cuts.rows - 1) / cuts.rows, to: alignment.y),
                        width: Self.roundUp((shape.w + cuts.columns - 1) / cuts.columns, to: alignment.x))
            let tile = Shape(shape.n, shape.c, min(shape.h, core.height + extra.y), min(shape.w, core.width + extra.x))
            let bytes = (try? estimatedPeakBytes(for: tile)) ?? Int.max
            if bytes <= budgetBytes {
                return core
            }
            if core.height > smallest.y {
                cuts.rows += max(1, cuts.rows / 4)
            } else if core.width > smallest.x {
                cuts.columns += max(1, cuts.columns / 4)
            } else {
                return core
            }
        }
    }

    /// The tiles for cores of `core`, or nil when some tile does not fit the graph.
    private func tiles(for shape: Shape, core: (height: Int, width: Int), field: ReceptiveField, outputShapes: [Shape]) -> Plan? {
        let halo = field.halo
        let rows = Span.cut(length: shape.h, core: core.height, alignment: field.alignment.y, before: halo.top, after: halo.bottom,
                            scales: field.outputs.map(\.scaleY), outputLengths: outputShapes.map(\.h))
        let columns = Span.cut(length: shape.w, core: core.width, alignment: field.alignment.x, before: halo.left, after: halo.right,
                               scales: field.outputs.map(\.scaleX), outputLengths: outputShapes.map(\.w))
        // Every tile size must fit the graph, and its outputs cover what its core owns.
        var sizes: [[Int]: [Shape]] = [:]
        for row in rows {
            for column in columns {
                let size = [row.tile.count, column.tile.count]
                if sizes[size] == nil {
                    guard let tileShapes = try? graph.outputShapes(for: Shape(shape.n, shape.c, size[0], size[1])) else {
                        return nil
                    }
                    sizes[size] = tileShapes
                }
                for (index, tileShape) in sizes[size]!.enumerated() {
                    let owned = (rows: row.owned[index], columns: column.owned[index])
                    if owned.rows.isEmpty || owned.columns.isEmpty {
                        continue
                    }
                    guard owned.rows.lowerBound >= row.offsets[index], owned.rows.upperBound - row.offsets[index] <= tileShape.h,
                          owned.columns.lowerBound >= column.offsets[index], owned.columns.upperBound - column.offsets[index] <= tileShape.w else {
                        return nil
                    }
                }
            }
        }
        return Plan(input: shape, budgetBytes: budgetBytes, forcedTile: forcedTile, outputShapes: outputShapes, rows: rows, columns: columns)
    }

    /// Copies `rows × columns` of every plane of `source` into `destination` at `(row, column)`.
    private static func copy(from source: Tensor, rows: Range<Int>, columns: Range<Int>, into destination: Tensor, at origin: (Int, Int)) {
        let planes = source.shape.n * source.shape.c
        precondition(planes == destination.shape.n * destination.shape.c, "Tile copy from \(source.shape) into \(destination.shape)")
        let (sourceHeight, sourceWidth) = (source.shape.h, source.shape.w)
        let (destinationHeight, destinationWidth) = (destination.shape.h, destination.shape.w)
        let width = columns.count
        for plane in 0..<planes {
            var from = source.pointer + (plane * sourceHeight + rows.lowerBound) * sourceWidth + columns.lowerBound
            var to = destination.pointer + (plane * destinationHeight + origin.0) * destinationWidth + origin.1
            for _ in rows {
                to.update(from: from, count: width)
                from += sourceWidth
                to += destinationWidth
            }
        }
    }

    /// The smallest multiple of `step` that is at least `value`.
    private static func roundUp(_ value: Int, to step: Int) -> Int {
        (value + step - 1) / step * step
    }
}
