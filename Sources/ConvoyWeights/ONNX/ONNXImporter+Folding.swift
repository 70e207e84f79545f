import ConvoyTensor

/// Shape arithmetic and other nodes that only constants feed, computed at load.
extension ONNXImporter {
    /// The value of `node` when every input is a constant (nil inputs are absent optional ones),
    /// or nil when the operator has no folding here (then it is imported as a layer, which fails
    /// for lack of a run-time input).
    func foldConstant(_ node: ONNXNodeProto, inputs: [ONNXConstant?], attributes: ONNXAttributes, owner: String) throws -> ONNXConstant? {
        guard let first = inputs.first ?? nil else { return nil }
        switch node.opType {
        case "Identity", "Dropout":
            return first
        case "Cast":
            let to = try attributes.int("to") ?? 1
            let isFloat = [1, 10, 11, 16].contains(to)
            if isFloat { return ONNXConstant(dims: first.dims, floats: first.floats) }
            if to == 9 { return ONNXConstant(dims: first.dims, integers: first.floats.map { $0 != 0 ? 1 : 0 }) }
            return ONNXConstant(dims: first.dims, integers: first.integers)
        case "Gather":
            guard let indices = inputs.count > 1 ? inputs[1] : nil else { return nil }
            return try gather(first, indices, axis: try attributes.int("axis", default: 0), owner: owner)
        case "Unsqueeze":
            let axes = try opset >= 13 ? (inputs.count > 1 ? inputs[1]?.ints : nil) : attributes.ints("axes")
            return first.reshaped(try unsqueezed(first.dims, axes: axes ?? [], owner: owner))
        case "Squeeze":
            let axes = try opset >= 13 ? (inputs.count > 1 ? inputs[1]?.ints : nil) : attributes.ints("axes")
            return first.reshaped(try squeezed(first.dims, axes: axes, owner: owner))
        case "Concat":
            return try concatenate(inputs.compactMap { $0 }, axis: try attributes.int("axis") ?? (opset < 4 ? 1 : 0), owner: owner)
        case "Slice":
            return try slice(first, node: node, inputs: inputs, attributes: attributes, owner: owner)
        case "Reshape":
            let target = try opset >= 5 ? (inputs.count > 1 ? inputs[1]?.ints : nil) : attributes.ints("shape")
            guard let target else { throw ONNXIssue("\(owner) lacks its target shape") }
            return first.reshaped(try reshapedDims(first.dims, target, allowZero: try attributes.int("allowzero", default: 0) != 0, owner: owner))
        case "Flatten":
            let axis = try normalizedAxis(try attributes.int("axis", default: 1), rank: first.dims.count, inclusive: true, owner: owner)
            return first.reshaped([first.dims[..<axis].reduce(1, *), first.dims[axis...].reduce(1, *)])
        case "Transpose":
            return try transpose(first, perm: try attributes.ints("perm"), owner: owner)
        case "Add", "Sub", "Mul", "Div":
            guard inputs.count == 2, let second = inputs[1] else { return nil }
            return try broadcast(first, second, node.opType, owner: owner)
        case "Sum":
            var total = first
            for next in inputs.dropFirst().compactMap({ $0 }) {
                total = try broadcast(total, next, "Add", owner: owner)
            }
            return total
        default:
            return nil
        }
    }

    /// `axis` in `0 ..< rank` (or `... rank` when `inclusive`), negative axes counted from the end.
    func normalizedAxis(_ axis: Int, rank: Int, inclusive: Bool = false, owner: String) throws -> Int {
        let limit = inclusive ? rank + 1 : rank
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < limit else {
            throw ONNXIssue("\(owner): axis \(axis) is out of range for rank \(rank)")
        }
        return resolved
    }

    /// Row-major strides of `dims`.
    static func strides(_ dims: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: dims.count)
        var step = 1
        for axis in dims.indices.reversed() {
            strides[axis] = step
            step *= dims[axis]
        }
        return strides
    }

    /// Elements of `values` picked by `source(flatOutputIndex)`.
    static func pick(_ values: ONNXConstant.Values, count: Int, _ source: (Int) -> Int) -> ONNXConstant.Values {
        switch values {
        case .floats(let floats): return .floats((0..<count).map { floats[source($0)] })
        case .integers(let integers): return .integers((0..<count).map { integers[source($0)] })
        }
    }

    func gather(_ data: ONNXConstant, _ indices: ONNXConstant, axis: Int, owner: String) throws -> ONNXConstant {
        guard !data.dims.isEmpty else { throw ONNXIssue("\(owner): Gather of a scalar") }
        let axis = try normalizedAxis(axis, rank: data.dims.count, owner: owner)
        let extent = data.dims[axis]
        let picks = try indices.ints.map { index -> Int in
            let resolved = index < 0 ? index + extent : index
            guard resolved >= 0, resolved < extent else {
                throw ONNXIssue("\(owner): index \(index) is out of range for an axis of \(extent)")
            }
            return resolved
        }
        let outer = data.dims[..<axis].reduce(1, *)
        let inner = data.dims[(axis + 1)...].reduce(1, *)
        let dims = Array(data.dims[..<axis]) + indices.dims + Array(data.dims[(axis + 1)...])
        let count = outer * picks.count * inner
        return ONNXConstant(dims: dims, values: Self.pick(data.values, count: count) { flat in
            let o = flat / (picks.count * inner)
            let p = (flat / inner) % picks.count
            return (o * extent + picks[p]) * inner + flat % inner
        })
    }

    func unsqueezed(_ dims: [Int], axes: [Int], owner: String) throws -> [Int] {
        let rank = dims.count + axes.count
        let resolved = try Set(axes.map { try normalizedAxis($0, rank: rank, owner: owner) })
        guard resolved.count == axes.count else { throw ONNXIssue("\(owner): repeated axes \(axes)") }
        var source = dims.makeIterator()
        return (0..<rank).map { resolved.contains($0) ? 1 : source.next()! }
    }

    func squeezed(_ dims: [Int], axes: [Int]?, owner: String) throws -> [Int] {
        guard let axes, !axes.isEmpty else { return dims.filter { $0 != 1 } }
        let resolved = try Set(axes.map { try normalizedAxis($0, rank: dims.count, owner: owner) })
        for axis in resolved where dims[axis] != 1 {
            throw ONNXIssue("\(owner): axis \(axis) has size \(dims[axis]), not 1")
        }
        return dims.enumerated().filter { !resolved.contains($0.offset) }.map(\.element)
    }

    func concatenate(_ parts: [ONNXConstant], axis: Int, owner: String) throws -> ONNXConstant {
        guard let first = parts.first else { throw ONNXIssue("\(owner) has no inputs") }
        let rank = max(first.dims.count, 1)
        let axis = try normalizedAxis(axis, rank: rank, owner: owner)
        let shaped = parts.map { $0.dims.isEmpty ? $0.reshaped([1]) : $0 }
        for part in shaped where part.dims.count != rank || part.dims.enumerated().contains(where: { $0.offset != axis && $0.element != shaped[0].dims[$0.offset] }) {
            throw ONNXIssue("\(owner): inputs \(MessageText.dims(shaped[0].dims)) and \(MessageText.dims(part.dims)) do not concatenate on axis \(axis)")
        }
        let outer = shaped[0].dims[..<axis].reduce(1, *)
        let integer = shaped.allSatisfy(\.isInteger)
        var floats: [Float] = []
        var integers: [Int64] = []
        for o in 0..<outer {
            for part in shaped {
                let block = part.dims[axis...].reduce(1, *)
                if integer {
                    integers += part.integers[(o * block)..<((o + 1) * block)]
                } else {
                    floats += part.floats[(o * block)..<((o + 1) * block)]
                }
            }
        }
        var dims = shaped[0].dims
        dims[axis] = shaped.reduce(0) { $0 + $1.dims[axis] }
        return integer ? ONNXConstant(dims: dims, integers: integers) : ONNXConstant(dims: dims, floats: floats)
    }

    /// ONNX's Slice: `starts`, `ends`, `axes`, `steps` as attributes before opset 10, inputs after.
    func slice(_ data: ONNXConstant, node: ONNXNodeProto, inputs: [ONNXConstant?], attributes: ONNXAttributes, owner: String) throws -> ONNXConstant {
        func input(_ index: Int) -> [Int]? { index < inputs.count ? inputs[index]?.ints : nil }
        let starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?
        if opset < 10 {
            starts = try attributes.ints("starts") ?? []
            ends = try attributes.ints("ends") ?? []
            axes = try attributes.ints("axes")
            steps = nil
        } else {
            guard let s = input(1), let e = input(2) else { throw ONNXIssue("\(owner) lacks its starts or ends") }
            starts = s
            ends = e
            axes = input(3)
            steps = input(4)
        }
        let rank = data.dims.count
        let axisList = try (axes ?? Array(0..<starts.count)).map { try normalizedAxis($0, rank: rank, owner: owner) }
        guard starts.count == ends.count, axisList.count == starts.count, (steps?.count ?? starts.count) == starts.count else {
            throw ONNXIssue("\(owner): starts, ends, axes and steps differ in length")
        }
        var begin = [Int](repeating: 0, count: rank)
        var step = [Int](repeating: 1, count: rank)
        var dims = data.dims
        for (i, axis) in axisList.enumerated() {
            let extent = data.dims[axis]
            let s = steps?[i] ?? 1
            guard s != 0 else { throw ONNXIssue("\(owner): a slice step of 0") }
            func clamp(_ value: Int, _ low: Int, _ high: Int) -> Int { min(max(value, low), high) }
            var start = starts[i] < 0 ? starts[i] + extent : starts[i]
            var end = ends[i] < 0 ? ends[i] + extent : ends[i]
            if s > 0 {
                start = clamp(start, 0, extent)
                end = clamp(end, 0, extent)
                dims[axis] = max(0, (end - start + s - 1) / s)
            } else {
                start = clamp(start, -1, extent - 1)
                end = clamp(end, -1, extent - 1)
                dims[axis] = max(0, (start - end - s - 1) / -s)
            }
            begin[axis] = start
            step[axis] = s
        }
        let sourceStrides = Self.strides(data.dims)
        let outputStrides = Self.strides(dims)
        let count = dims.reduce(1, *)
        return ONNXConstant(dims: dims, values: Self.pick(data.values, count: count) { flat in
            var offset = 0
            for axis in 0..<rank {
                let index = (flat / outputStrides[axis]) % max(dims[axis], 1)
                offset += (begin[axis] + index * step[axis]) * sourceStrides[axis]
            }
            return offset
        })
    }

    /// The shape a Reshape to `target` gives `dims`: 0 copies the input's dimension (unless
    /// `allowZero`), one -1 takes what is left.
    func reshapedDims(_ dims: [Int], _ target: [Int], allowZero: Bool, owner: String) throws -> [Int] {
        let count = dims.reduce(1, *)
        var result = try target.enumerated().map { index, value -> Int in
            if value == 0 && !allowZero {
                guard index < dims.count else { throw ONNXIssue("\(owner): target \(target) copies an axis the input lacks") }
                return dims[index]
            }
            guard value >= -1 else { throw ONNXIssue("\(owner): target \(target) has a negative size") }
            return value
        }
        let unknown = result.indices.filter { result[$0] == -1 }
        guard unknown.count <= 1 else { throw ONNXIssue("\(owner): target \(target) has more than one -1") }
        let known = result.filter { $0 != -1 }.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        if let axis = unknown.first {
            guard known > 0, count % known == 0 else {
                throw ONNXIssue("\(owner): \(count) elements do not reshape to \(target)")
            }
            result[axis] = count / known
        }
        guard result.reduce(1, { $0.multipliedReportingOverflow(by: $1).overflow ? -1 : $0 * $1 }) == count else {
            throw ONNXIssue("\(owner): \(count) elements (\(MessageText.dims(dims))) do not reshape to \(target)")
        }
        return result
    }

    func transpose(_ data: ONNXConstant, perm: [Int]?, owner: String) throws -> ONNXConstant {
        let rank = data.dims.count
        let perm = perm ?? Array((0..<rank).reversed())
        guard perm.count == rank, Set(perm) == Set(0..<rank) else {
            throw ONNXIssue("\(owner): perm \(perm) is not a permutation of \(rank) axes")
        }
        let dims = perm.map { data.dims[$0] }
        let sourceStrides = Self.strides(data.dims)
        let outputStrides = Self.strides(dims)
        return ONNXConstant(dims: dims, values: Self.pick(data.values, count: data.count) { flat in
            var offset = 0
            for axis in 0..<rank {
                offset += ((flat / outputStrides[axis]) % dims[axis]) * sourceStrides[perm[axis]]
            }
            return offset
        })
    }

    /// The broadcast shape of two shapes (numpy's rule), or nil.
    static func broadcastDims(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let a = Array(repeating: 1, count: rank - a.count) + a
        let b = Array(repeating: 1, count: rank - b.count) + b
        var dims: [Int] = []
        for (x, y) in zip(a, b) {
            guard x == y || x == 1 || y == 1 else { return nil }
            dims.append(x == 1 ? y : x)
        }
        return dims
    }

    func broadcast(_ a: ONNXConstant, _ b: ONNXConstant, _ op: String, owner: String) throws -> ONNXConstant {
        guard let dims = Self.broadcastDims(a.dims, b.dims) else {
            throw ONNXIssue("\(owner): shapes \(MessageText.dims(a.dims)) and \(MessageText.dims(b.dims)) do not broadcast")
        }
        let count = dims.reduce(1, *)
        func index(_ source: [Int]) -> (Int) -> Int {
            let padded = Array(repeating: 1, count: dims.count - source.count) + source
            let strides = Self.strides(padded)
            let outputStrides = Self.strides(dims)
            return { flat in
                var offset = 0
                for axis in dims.indices where padded[axis] != 1 {
                    offset += ((flat / outputStrides[axis]) % dims[axis]) * strides[axis]
                }
                return offset
            }
        }
        let ia = index(a.dims), ib = index(b.dims)
        if a.isInteger && b.isInteger {
            let x = a.integers, y = b.integers
            return ONNXConstant(dims: dims, integers: try (0..<count).map { i in
                let (p, q) = (x[ia(i)], y[ib(i)])
                switch op {
                case "Add": return p &+ q
                case "Sub": return p &- q
                case "Mul": return p &* q
                default:
                    guard q != 0 else { throw ONNXIssue("\(owner): integer division by zero") }
                    return p == Int64.min && q == -1 ? Int64.min : p / q
                }
            })
        }
        let x = a.floats, y = b.floats
        return ONNXConstant(dims: dims, floats: (0..<count).map { i in
            let (p, q) = (x[ia(i)], y[ib(i)])
            switch op {
            case "Add": return p + q
            case "Sub": return p - q
            case "Mul": return p * q
            default: return p / q
            }
        })
    }
}
