import ConvoyNN
import ConvoyTensor
import Foundation

/// The forward pass of every trainable layer re-written in `Double`, straight from the layers'
/// documented formulas (PyTorch semantics) and independent of their `Float` code: the reference
/// that finite-difference gradient checks differentiate.
///
/// Parameters come as separate `Double` arrays (in the layer's `parameters` order) so a check
/// can perturb them.
enum DoubleReference {
    /// An NCHW array of doubles.
    struct Array4 {
        var shape: Shape
        var values: [Double]

        init(shape: Shape, values: [Double]) {
            precondition(values.count == shape.count)
            self.shape = shape
            self.values = values
        }

        init(_ tensor: Tensor) {
            self.init(shape: tensor.shape, values: tensor.array.map(Double.init))
        }

        func index(_ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Int {
            ((n * shape.c + c) * shape.h + y) * shape.w + x
        }

        subscript(n: Int, c: Int, y: Int, x: Int) -> Double {
            get { values[index(n, c, y, x)] }
            set { values[index(n, c, y, x)] = newValue }
        }
    }

    /// The layer's output for `inputs` (one for a layer, several for a merge).
    static func forward(_ operation: Graph.Operation, _ inputs: [Array4], parameters: [[Double]]) -> Array4 {
        switch operation {
        case .layer(let layer):
            return forward(layer, inputs[0], parameters: parameters)
        case .merge(let merge):
            switch merge {
            case is Add:
                var sum = inputs[0]
                for other in inputs.dropFirst() {
                    for i in sum.values.indices { sum.values[i] += other.values[i] }
                }
                return sum
            case is Concat:
                let first = inputs[0].shape
                let channels = inputs.reduce(0) { $0 + $1.shape.c }
                var out = Array4(shape: Shape(first.n, channels, first.h, first.w), values: [Double](repeating: 0, count: first.n * channels * first.h * first.w))
                for n in 0..<first.n {
                    var base = 0
                    for input in inputs {
                        for c in 0..<input.shape.c {
                            for y in 0..<first.h {
                                for x in 0..<first.w { out[n, base + c, y, x] = input[n, c, y, x] }
                            }
                        }
                        base += input.shape.c
                    }
                }
                return out
            default:
                preconditionFailure("no Double reference for \(type(of: merge))")
            }
        }
    }

    private static func map(_ x: Array4, _ f: (Double) -> Double) -> Array4 {
        Array4(shape: x.shape, values: x.values.map(f))
    }

    private static func zeros(_ shape: Shape) -> Array4 {
        Array4(shape: shape, values: [Double](repeating: 0, count: shape.count))
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    static func forward(_ layer: Layer, _ x: Array4, parameters: [[Double]]) -> Array4 {
        let s = x.shape
        switch layer {
        case let conv as Conv2d:
            return convolution(conv, x, weight: parameters[0], bias: conv.bias == nil ? nil : parameters[1])
        case is ReLU:
            return map(x) { max($0, 0) }
        case let leaky as LeakyReLU:
            let slope = Double(leaky.negativeSlope)
            return map(x) { $0 >= 0 ? $0 : slope * $0 }
        case is PReLU:
            var out = x
            for n in 0..<s.n {
                for c in 0..<s.c {
                    let a = parameters[0][parameters[0].count == 1 ? 0 : c]
                    for y in 0..<s.h {
                        for xx in 0..<s.w where x[n, c, y, xx] < 0 { out[n, c, y, xx] = a * x[n, c, y, xx] }
                    }
                }
            }
            return out
        case is Sigmoid:
            return map(x) { 1 / (1 + Foundation.exp(-$0)) }
        case is Tanh:
            return map(x) { Foundation.tanh($0) }
        case let pool as MaxPool2d:
            return pooling(x, output: pool.outputShape(for: s), kernel: pool.kernel, stride: pool.stride, padding: pool.padding,
                           dilation: pool.dilation) { values, _ in
                values.max()!
            }
        case let pool as AvgPool2d:
            return pooling(x, output: pool.outputShape(for: s), kernel: pool.kernel, stride: pool.stride, padding: pool.padding) { values, padded in
                let divisor = pool.divisorOverride ?? (pool.countIncludePad ? padded : values.count)
                return values.reduce(0, +) / Double(divisor)
            }
        case is GlobalAvgPool2d:
            var out = zeros(Shape(s.n, s.c, 1, 1))
            for n in 0..<s.n {
                for c in 0..<s.c {
                    var sum = 0.0
                    for y in 0..<s.h { for xx in 0..<s.w { sum += x[n, c, y, xx] } }
                    out[n, c, 0, 0] = sum / Double(s.h * s.w)
                }
            }
            return out
        case let upsample as Upsample:
            return resample(x, upsample)
        case let shuffle as PixelShuffle:
            let r = shuffle.upscaleFactor
            var out = zeros(Shape(s.n, s.c / (r * r), s.h * r, s.w * r))
            for n in 0..<s.n {
                for c in 0..<s.c {
                    let (oc, i, j) = (c / (r * r), (c % (r * r)) / r, c % r)
                    for y in 0..<s.h { for xx in 0..<s.w { out[n, oc, y * r + i, xx * r + j] = x[n, c, y, xx] } }
                }
            }
            return out
        case is ChannelSoftmax:
            var out = x
            for n in 0..<s.n {
                for y in 0..<s.h {
                    for xx in 0..<s.w {
                        let top = (0..<s.c).map { x[n, $0, y, xx] }.max()!
                        let exps = (0..<s.c).map { Foundation.exp(x[n, $0, y, xx] - top) }
                        let total = exps.reduce(0, +)
                        for c in 0..<s.c { out[n, c, y, xx] = exps[c] / total }
                    }
                }
            }
            return out
        case let normalize as Normalize:
            var out = x
            for n in 0..<s.n {
                for c in 0..<s.c {
                    let mean = Double(normalize.mean[normalize.mean.count == 1 ? 0 : c])
                    let std = Double(normalize.std[normalize.std.count == 1 ? 0 : c])
                    for y in 0..<s.h {
                        for xx in 0..<s.w { out[n, c, y, xx] = (x[n, c, y, xx] * Double(normalize.scale) - mean) / std }
                    }
                }
            }
            return out
        default:
            preconditionFailure("no Double reference for \(type(of: layer))")
        }
    }

    /// Correlation, PyTorch `Conv2d`: `out[n, o, oy, ox] = b[o] + Σ w[o, c, i, j] · x[n, g·Cg + c,
    /// oy·sy + i·dy − py, ox·sx + j·dx − px]`, samples outside resolved by the border mode.
    static func convolution(_ conv: Conv2d, _ x: Array4, weight: [Double], bias: [Double]?) -> Array4 {
        let s = x.shape
        let (kh, kw) = (conv.weight.shape[2], conv.weight.shape[3])
        let groups = conv.groups
        let inPerGroup = s.c / groups
        let outPerGroup = conv.outChannels / groups
        let oh = (s.h + 2 * conv.padding.y - conv.dilation.y * (kh - 1) - 1) / conv.stride.y + 1
        let ow = (s.w + 2 * conv.padding.x - conv.dilation.x * (kw - 1) - 1) / conv.stride.x + 1
        var out = zeros(Shape(s.n, conv.outChannels, oh, ow))
        func resolve(_ index: Int, _ count: Int) -> Int? {
            if index >= 0 && index < count { return index }
            switch conv.border {
            case .zero: return nil
            case .replicate: return index < 0 ? 0 : count - 1
            case .reflect:
                if count == 1 { return 0 }
                var i = index
                while i < 0 || i >= count { i = i < 0 ? -i : 2 * (count - 1) - i }
                return i
            }
        }
        for n in 0..<s.n {
            for o in 0..<conv.outChannels {
                let g = o / outPerGroup
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var sum = bias?[o] ?? 0
                        for c in 0..<inPerGroup {
                            for i in 0..<kh {
                                guard let iy = resolve(oy * conv.stride.y + i * conv.dilation.y - conv.padding.y, s.h) else { continue }
                                for j in 0..<kw {
                                    guard let ix = resolve(ox * conv.stride.x + j * conv.dilation.x - conv.padding.x, s.w) else { continue }
                                    sum += weight[((o * inPerGroup + c) * kh + i) * kw + j] * x[n, g * inPerGroup + c, iy, ix]
                                }
                            }
                        }
                        out[n, o, oy, ox] = sum
                    }
                }
            }
        }
        return out
    }

    /// A pooling window `o·stride − padding ..< + kernel`, cut at `input + padding` (its padded
    /// length, for `count_include_pad`), reading the samples inside the input.
    /// Window `(oy, ox)` reads rows `oy · stride − padding + i · dilation` (`0 <= i < kernel`) inside
    /// the input and before the end of its padding, and likewise columns.
    private static func pooling(_ x: Array4, output: Shape, kernel: (y: Int, x: Int), stride: (y: Int, x: Int),
                                padding: (y: Int, x: Int), dilation: (y: Int, x: Int) = (1, 1),
                                _ reduce: ([Double], Int) -> Double) -> Array4 {
        let s = x.shape
        var out = zeros(output)
        for n in 0..<s.n {
            for c in 0..<s.c {
                for oy in 0..<output.h {
                    let y0 = oy * stride.y - padding.y
                    let y1 = min(y0 + dilation.y * (kernel.y - 1) + 1, s.h + padding.y)
                    for ox in 0..<output.w {
                        let x0 = ox * stride.x - padding.x
                        let x1 = min(x0 + dilation.x * (kernel.x - 1) + 1, s.w + padding.x)
                        var values: [Double] = []
                        for i in 0..<kernel.y {
                            let y = y0 + i * dilation.y
                            guard y >= 0, y < s.h, y < y1 else { continue }
                            for j in 0..<kernel.x {
                                let xx = x0 + j * dilation.x
                                if xx >= 0, xx < s.w, xx < x1 { values.append(x[n, c, y, xx]) }
                            }
                        }
                        out[n, c, oy, ox] = reduce(values, (y1 - y0) * (x1 - x0))
                    }
                }
            }
        }
        return out
    }

    /// `nn.Upsample` with integer scale: nearest `o / s`; bilinear from source position
    /// `(o + 0.5) / s − 0.5` clamped at 0 (or `o · (n − 1) / (n·s − 1)` with align_corners).
    private static func resample(_ x: Array4, _ layer: Upsample) -> Array4 {
        let s = x.shape
        let (oh, ow) = (s.h * layer.scale.y, s.w * layer.scale.x)
        var out = zeros(Shape(s.n, s.c, oh, ow))
        func taps(_ o: Int, _ n: Int, _ scale: Int) -> [(Int, Double)] {
            if layer.mode == .nearest { return [(o / scale, 1)] }
            let position: Double
            if layer.alignCorners {
                position = n * scale > 1 ? Double(o) * Double(n - 1) / Double(n * scale - 1) : 0
            } else {
                position = max((Double(o) + 0.5) / Double(scale) - 0.5, 0)
            }
            let i0 = min(Int(position.rounded(.down)), n - 1)
            let i1 = min(i0 + 1, n - 1)
            let t = position - Double(i0)
            return [(i0, 1 - t), (i1, t)]
        }
        for n in 0..<s.n {
            for c in 0..<s.c {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var sum = 0.0
                        for (iy, wy) in taps(oy, s.h, layer.scale.y) {
                            for (ix, wx) in taps(ox, s.w, layer.scale.x) { sum += wy * wx * x[n, c, iy, ix] }
                        }
                        out[n, c, oy, ox] = sum
                    }
                }
            }
        }
        return out
    }
}
