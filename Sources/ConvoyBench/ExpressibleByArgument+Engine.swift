import ArgumentParser
import ConvoyNN
import ConvoyTensor

// `--engine` and `--precision` take the enums' raw values.
extension ConvolutionEngine: ExpressibleByArgument {}
extension NetworkPrecision: ExpressibleByArgument {}
