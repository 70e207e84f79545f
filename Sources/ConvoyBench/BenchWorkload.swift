import ConvoyFilters
import ConvoyNN
import ConvoyWeights
import ConvoyTensor
import Dispatch
import Foundation

/// The inputs, layer and context of one case, made once; `run()` processes one whole batch.
final class BenchWorkload {
    /// Processes the batch once (the part that is timed).
    let run: () -> Void

    /// Builds `benchCase` for `batch` random frames of `width`×`height` with `threads` workers.
    ///
    /// The convolutions run as `ConvoyPipeline`'s compute thread runs them: oneDNN kept to one
    /// thread per caller, the tiles shared among `threads` workers (`ExecutionContext`). The direct
    /// Gaussian and Sobel share the batch's 8-bit planes among `threads` workers, one
    /// `PlaneStreamFilter` each, as `KernelProcessor` does.
    init(_ benchCase: BenchCase, batch: Int, width: Int, height: Int, context: ExecutionContext, onnx: String) throws {
        OneDNNMatrixMultiplier.setThreadCount(1)
        let threads = context.workspaces.count
        var random = SplitMix64(seed: 0xC0_4B07)
        let (inChannels, outChannels, groups) = benchCase.channels
        switch benchCase {
        case .conv3to16, .conv16to32, .conv32to32, .depthwiseRGB:
            // Weights uniform in ±1/sqrt(fan-in), inputs uniform in 0…1 (as normalised frames).
            let fanIn = inChannels / groups * 9
            let bound = 1 / Float(fanIn).squareRoot()
            let weight = Tensor(shape: Shape(outChannels, inChannels / groups, 3, 3))
            BenchWorkload.fill(weight, range: -bound...bound, random: &random)
            let bias = Tensor(shape: Shape(outChannels))
            BenchWorkload.fill(bias, range: -bound...bound, random: &random)
            let layer = try Conv2d(weight: weight, bias: bias, padding: (1, 1), groups: groups,
                                   activation: benchCase == .depthwiseRGB ? .none : .relu)
            let input = Tensor(shape: Shape(batch, inChannels, height, width))
            BenchWorkload.fill(input, range: 0...1, random: &random)
            let graph = try Graph(nodes: [Graph.Node(name: "conv", operation: .layer(layer), inputs: [Graph.inputName])], outputs: ["conv"])
            run = { _ = graph.forward(input, context: context) }
        case .tinyFeaturesONNX:
            run = BenchWorkload.network(try ONNXLoader.load(path: onnx).graph, channels: 3, batch: batch, width: width, height: height,
                                        context: context, random: &random)
        case .tinyFeatures:
            var nodes: [Graph.Node] = []
            for (index, (input, output)) in [(3, 16), (16, 32), (32, 32)].enumerated() {
                let bound = 1 / Float(input * 9).squareRoot()
                let weight = Tensor(shape: Shape(output, input, 3, 3))
                BenchWorkload.fill(weight, range: -bound...bound, random: &random)
                let bias = Tensor(shape: Shape(output))
                BenchWorkload.fill(bias, range: -bound...bound, random: &random)
                // As `ModelLoader` fuses them: each ReLU into its convolution, the pool into the first.
                let convolution = try Conv2d(weight: weight, bias: bias, padding: (1, 1), activation: .relu)
                nodes.append(Graph.Node(name: "conv\(index + 1)", operation: .layer(index == 0 ? try convolution.fusingMaxPool() : convolution),
                                        inputs: [index == 0 ? Graph.inputName : "conv\(index)"]))
            }
            run = BenchWorkload.network(try Graph(nodes: nodes, outputs: ["conv3"]), channels: 3, batch: batch, width: width,
                                        height: height, context: context, random: &random)
        case .gaussianIm2col:
            let layer = try BenchWorkload.gaussian.makeLayer()
            let planes = Tensor(shape: Shape(batch * 3, 1, height, width))
            BenchWorkload.fill(planes, range: 0...1, random: &random)
            let output = Tensor(shape: try layer.validatedOutputShape(for: planes.shape))
            run = { layer.forward(planes, into: output, context: context) }
        case .gaussianDirect, .sobelDirect:
            let tasks = batch * (benchCase == .sobelDirect ? 1 : 3)
            let planeSize = width * height
            let samples = UnsafeMutablePointer<UInt8>.allocate(capacity: tasks * planeSize)
            let raw = UnsafeMutableRawBufferPointer(start: samples, count: tasks * planeSize)
            for index in raw.indices { raw[index] = UInt8(truncatingIfNeeded: random.next()) }
            let chain = benchCase == .sobelDirect ? BenchWorkload.sobel : BenchWorkload.gaussian
            let filters = (0..<threads).map { _ in PlaneStreamFilter(chain: chain) }
            let workers = max(1, min(threads, tasks))
            run = {
                // As KernelProcessor's direct engine: the planes shared through a TaskQueue.
                TaskQueue.run(tasks: tasks, workers: workers) { worker, task in
                    filters[worker].apply(to: UnsafeMutableRawPointer(samples + task * planeSize), width: width, height: height,
                                          stride: width, bytesPerSample: 1, maxLevel: 255)
                }
            }
        }
    }

    /// A model file's network alone (`convoy-bench --model`): `model` built for frames of
    /// `width`×`height`, run on `batch` random frames of its input channels (samples 0…1, as
    /// Convoy feeds it) as `convoy features` runs them.
    init(model: LoadedModel, batch: Int, width: Int, height: Int, context: ExecutionContext) throws {
        OneDNNMatrixMultiplier.setThreadCount(1)
        var random = SplitMix64(seed: 0xC0_4B07)
        let resolved = try model.resolved(height: height, width: width)
        _ = try resolved.outputShapes(batch: 1, height: height, width: width)
        run = BenchWorkload.network(resolved.graph, channels: resolved.inputChannels, batch: batch, width: width, height: height,
                                    context: context, random: &random)
    }

    /// Runs `network` on `batch` random frames `[·, channels, height, width]` as `convoy features`
    /// runs a batch: in groups of whole frames that fit its activation budget
    /// (`TiledForward.framesPerRun`), the inputs made once.
    private static func network(_ network: Graph, channels: Int, batch: Int, width: Int, height: Int, context: ExecutionContext,
                                random: inout SplitMix64) -> () -> Void {
        let group = TiledForward(graph: network, field: nil).framesPerRun(frameShape: Shape(1, channels, height, width), batch: batch)
        let inputs = stride(from: 0, to: batch, by: group).map { start in
            Tensor(shape: Shape(min(group, batch - start), channels, height, width))
        }
        for input in inputs { fill(input, range: 0...1, random: &random) }
        return {
            for input in inputs { _ = network.forward(input, context: context) }
        }
    }

    /// The fixed filter of the Gaussian cases: `convoy filter --kernel gaussian` (the default
    /// binomial 3×3, border replicate).
    static let gaussian = FilterChain(kernels: [BuiltInKernel.gaussian.defaultKernel], border: .replicate)

    /// The fixed filter of the Sobel case: `convoy filter --kernel sobel` (border replicate).
    static let sobel = FilterChain(kernels: [BuiltInKernel.sobel.defaultKernel], border: .replicate)

    /// Fills `tensor` with values uniform in `range`.
    private static func fill(_ tensor: Tensor, range: ClosedRange<Float>, random: inout SplitMix64) {
        let pointer = tensor.pointer
        let scale = (range.upperBound - range.lowerBound) / Float(1 << 24)
        for index in 0..<tensor.count {
            pointer[index] = range.lowerBound + Float(random.next() >> 40) * scale
        }
    }
}
