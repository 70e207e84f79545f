import ConvoyTensor

extension Graph {
    /// The runs of adjacent nodes a `BlockedChain` can compute (see `BlockedRun`): each starts at a
    /// convolution and grows while the node after it in the list is a chain layer reading only
    /// it, and it is read by nothing else and is not an output. A run whose last node's buffer is
    /// its input's buffer (an in-place layer at its end) is cut back, since the chain would write
    /// its input while reading it; a run whose convolutions are all 1×1 is left to im2col's GEMM.
    static func blockedRuns(nodes: [Node], sources: [[Int]], outputSources: [Int], live: [Bool], slots: [Int]) -> [BlockedRun] {
        var readers = [Int](repeating: 0, count: nodes.count)
        for index in nodes.indices where live[index] {
            for source in sources[index] where source >= 0 { readers[source] += 1 }
        }
        for source in outputSources where source >= 0 { readers[source] += 1 }
        func layer(_ index: Int) -> Layer? {
            guard case .layer(let layer) = nodes[index].operation else { return nil }
            return layer
        }
        var runs: [BlockedRun] = []
        var index = 0
        while index < nodes.count {
            guard live[index], let first = layer(index), case .convolution = BlockedRun.role(of: first) else {
                index += 1
                continue
            }
            var members = [first]
            var last = index
            while last + 1 < nodes.count, live[last + 1], readers[last] == 1, sources[last + 1] == [last], let next = layer(last + 1),
                  let role = BlockedRun.role(of: next) {
                if case .activation = role, !BlockedRun.takesActivation(members.last!) { break }
                members.append(next)
                last += 1
            }
            let input = sources[index][0]
            while last >= index, input >= 0, slots[last] == slots[input] {
                members.removeLast()
                last -= 1
            }
            // A lone pointwise convolution stays a GEMM on the NCHW planes as they are: reordering
            // its input into blocks and back would cost more than oneDNN's kernel saves.
            let pointwiseOnly = members.allSatisfy { ($0 as? Conv2d).map { $0.weight.shape[2] == 1 && $0.weight.shape[3] == 1 } ?? true }
            if last >= index, !pointwiseOnly {
                runs.append(BlockedRun(nodes: index...last, layers: members))
            }
            index = max(last, index) + 1
        }
        return runs
    }
}
