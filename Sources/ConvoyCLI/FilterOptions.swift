import ArgumentParser
import ConvoyFilters
import ConvoyPipeline
import ConvoyTensor

/// What a frame goes through: kernels on planes, or a learned model.
struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("kernel"), help: "A kernel: a built-in name with optional parameters (gaussian:sigma=1.5,size=5) or a matrix ([1 2 1; 2 4 2; 1 2 1]/16). Repeat it to chain kernels in order.")
    var kernels: [String] = []

    @OptionGroup var model: ModelOption

    @Option(help: "The planes kernels filter: rgb (R, G and B), yuv (each stored plane) or luma (Y only, chroma kept).")
    var space: FilterSpace = .rgb

    @Option(help: "With --space luma: keep the chroma as it is, or make it neutral grey so that only the filtered luma shows (for edge maps).")
    var chroma: ChromaMode = .keep

    @Option(help: "What kernels do to a picture's alpha channel: copy (kept as it is, the default) or filter (filtered like the colour planes).")
    var alpha: AlphaMode = .copy

    @Option(help: "How kernels read samples outside the frame: replicate (the nearest edge pixel), reflect (mirrored) or zero.")
    var border: BorderMode = .replicate

    @Option(help: "How kernels are computed: auto (direct whenever the kernels fit inside the planes), direct (each plane's rows streamed through the kernels, no batch tensor) or im2col (planes packed into a Float32 batch tensor and filtered by im2col and SGEMM, as learned layers are). Both give the same pictures.")
    var engine: KernelEngine = .auto

    func check() throws {
        if kernels.isEmpty && model.path == nil { throw ValidationError("Give at least one --kernel, or a --model.") }
        if !kernels.isEmpty && model.path != nil { throw ValidationError("Give --kernel or --model, not both.") }
        if chroma == .neutral && space != .luma { throw ValidationError("--chroma neutral needs --space luma.") }
    }

    func makeProcessor() throws -> FrameProcessor {
        if let path = model.path {
            let loaded = try model.load()
            return try ModelProcessor(model: loaded, name: path)
        }
        let chain: FilterChain
        do { chain = try FilterChain(specs: kernels, border: border) } catch let error as KernelSpecError {
            throw ConvoyError(error.description, exitCode: ConvoyError.usage)
        }
        let processor = KernelProcessor(chain: chain, space: space, chroma: chroma)
        processor.engine = engine
        processor.alpha = alpha
        return processor
    }
}
