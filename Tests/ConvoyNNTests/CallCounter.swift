import ConvoyNN
import ConvoyTensor

/// A layer that copies its input and counts its calls, for graph tests.
final class CallCounter: Layer {
    private(set) var calls = 0

    func outputShape(for input: Shape) -> Shape {
        input
    }

    func forward(_ input: Tensor, into output: Tensor, context: ExecutionContext) {
        calls += 1
        output.pointer.update(from: input.pointer, count: input.count)
    }
}
