import ConvoyFilters
import ConvoyNN
import ConvoyTensor

/// Turns kernel specs into the layer factory a `FilterJob` runs.
public enum KernelChain {
    /// Parses `--kernel` specs in order; a bad spec is a usage error naming it.
    public static func parse(_ specs: [String]) throws -> [Kernel] {
        try specs.map { spec in
            do { return try KernelSpec.parse(spec) } catch let error as KernelSpecError {
                throw ConvoyError(error.description, exitCode: ConvoyError.usage)
            }
        }
    }

    /// A factory for the per-plane layer (`[B, 1, H, W]` in and out) that applies `kernels` in order.
    public static func layerFactory(kernels: [Kernel], border: BorderMode) -> () throws -> Layer {
        { try FilterChain(kernels: kernels, border: border).makeLayer() }
    }
}
