/// Shuffles a stream while holding at most `capacity` of its elements (the shuffle buffer of
/// tf.data and of streaming data loaders).
///
/// Each `next` tops the buffer up from the source, then hands out one element picked uniformly at
/// random and removes it. When the buffer can hold the whole stream, the elements come out in a
/// uniformly random permutation; with a smaller buffer an element can move at most about
/// `capacity` places earlier, and memory stays at `capacity` elements.
public struct ShuffleBuffer<Element> {
    public let capacity: Int
    private var items: [Element] = []
    private var sourceEnded = false

    public init(capacity: Int) {
        precondition(capacity > 0, "a shuffle buffer holds at least one element")
        self.capacity = capacity
        items.reserveCapacity(capacity)
    }

    /// Elements held now.
    public var count: Int { items.count }

    /// The next element, or nil once `source` has ended and the buffer is empty. `source` returns
    /// nil at its end and is not called again until `reset()`.
    public mutating func next(from source: () throws -> Element?, using generator: inout SampleGenerator) rethrows -> Element? {
        while !sourceEnded && items.count < capacity {
            if let item = try source() { items.append(item) } else { sourceEnded = true }
        }
        guard !items.isEmpty else { return nil }
        let pick = generator.below(items.count)
        items.swapAt(pick, items.count - 1)
        return items.removeLast()
    }

    /// Empties the buffer for a new pass over a source.
    public mutating func reset() {
        items.removeAll(keepingCapacity: true)
        sourceEnded = false
    }
}
