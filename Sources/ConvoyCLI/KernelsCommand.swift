import ArgumentParser
import ConvoyFilters

/// `convoy kernels`: lists the built-in kernels.
struct KernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "List the built-in kernels with their parameters and matrices."
    )

    func run() throws {
        for kernel in BuiltInKernel.allCases {
            print("\(kernel.name): \(kernel.summary)")
            let parameters = kernel.parameters.map { "\($0.name)=\($0.defaultText)" }.joined(separator: ", ")
            if !parameters.isEmpty { print("  parameters: \(parameters)") }
            for line in kernel.defaultKernel.matrixText.split(separator: "\n") {
                print("  \(line)")
            }
            print("")
        }
    }
}
