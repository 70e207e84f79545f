import ArgumentParser
import ConvoyPipeline
import ConvoyTensor

// Closed choices on the command line.
extension FilterSpace: ExpressibleByArgument {}
extension BorderMode: ExpressibleByArgument {}
extension ProgressMode: ExpressibleByArgument {}
extension ChromaMode: ExpressibleByArgument {}
extension AlphaMode: ExpressibleByArgument {}
extension KernelEngine: ExpressibleByArgument {}
extension NetworkPrecision: ExpressibleByArgument {}
