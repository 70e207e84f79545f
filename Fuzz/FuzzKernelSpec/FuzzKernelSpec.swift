import ConvoyFilters
import ConvoyNN
import ConvoyTensor
import Foundation
import FuzzDriver

/// Any text as a `--kernel` spec: it must be refused with a one-line `KernelSpecError`, or give
/// a kernel within Convoy's limits (odd sizes up to `Kernel.maximumSize`) whose layer filters a
/// 2-plane 9×11 batch into the same shape.
@main
enum FuzzKernelSpec {
    static func main() {
        Fuzzer.run { data in
            let text = String(decoding: data, as: UTF8.self)
            do {
                let kernel = try KernelSpec.parse(text)
                guard (1...Kernel.maximumSize).contains(kernel.height), (1...Kernel.maximumSize).contains(kernel.width),
                      kernel.height % 2 == 1, kernel.width % 2 == 1 else {
                    Fuzzer.fail("kernel of \(kernel.height)×\(kernel.width) from \(text.debugDescription)")
                }
                let input = Shape(2, 1, 9, 11)
                let layer = try FilterChain(kernels: [kernel], border: .replicate).makeLayer()
                let shape = try layer.validatedOutputShape(for: input)
                guard shape == input else { Fuzzer.fail("\(text.debugDescription): output \(shape)") }
                let output = Tensor(shape: shape)
                layer.forward(Tensor(shape: input, values: (0 ..< input.count).map { Float($0 % 13) / 13 }), into: output,
                              context: ExecutionContext())
                guard output.array.count == input.count else { Fuzzer.fail("output of \(output.count) samples") }
            } catch let error as KernelSpecError {
                guard Fuzzer.isOneLine(error.description) else { Fuzzer.fail("bad message: \(error.description)") }
            } catch {
                Fuzzer.fail("unexpected error type: \(type(of: error)): \(error)")
            }
        }
    }
}
