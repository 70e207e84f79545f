import ConvoyTensor

extension PReLU: DifferentiableLayer {
    /// `weight`, `[channels]` (or `[1]` for one shared slope).
    public var parameters: [(name: String, value: Tensor)] { [(name: "weight", value: weight)] }

    /// `dx += x > 0 ? dy : a · dy` and `da[c] += Σ over x ≤ 0 of dy · x` (summed over every
    /// channel into `da[0]` for a shared slope).
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, inputGradient: Tensor?,
                         parameterGradients: [Tensor], context: ExecutionContext) {
        precondition(parameterGradients.count == 1 && parameterGradients[0].shape == weight.shape,
                     "PReLU.backward needs one gradient shaped as its weight \(weight.shape)")
        let shape = input.shape
        let channels = shape.c
        let plane = shape.h * shape.w
        let shared = isShared
        let slopes = weight.pointer
        let x = input.pointer, dy = outputGradient.pointer
        let dx = inputGradient?.pointer
        let da = parameterGradients[0].pointer
        for task in 0..<(shape.n * channels) {
            let c = shared ? 0 : task % channels
            let slope = slopes[c]
            let base = task * plane
            // Sixteen running sums, so the adds do not wait on each other.
            var sums = SIMD16<Float>(repeating: 0)
            var i = base
            while i + 16 <= base + plane {
                let xs = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
                let gs = UnsafeRawPointer(dy + i).loadUnaligned(as: SIMD16<Float>.self)
                sums += (gs * xs).replacing(with: 0, where: xs .> 0)
                i += 16
            }
            var sum = sums.sum()
            while i < base + plane {
                sum += x[i] > 0 ? 0 : dy[i] * x[i]
                i += 1
            }
            da[c] += sum
            if let dx = dx {
                for i in base..<(base + plane) {
                    let g = dy[i]
                    dx[i] += x[i] > 0 ? g : slope * g
                }
            }
        }
    }
}
