import ConvoyTensor

extension TiledForward {
    /// How one input shape is run: whole, or as the grid of tiles `rows × columns`.
    struct Plan {
        /// The input shape planned for, `[batch, channels, height, width]`.
        let input: Shape
        /// The budget and forced tile size the plan was made with.
        let budgetBytes: Int
        let forcedTile: (height: Int, width: Int)?
        /// The whole frame's output shapes, in the graph's output order.
        let outputShapes: [Shape]
        /// Cuts along the rows; empty when the frame runs whole.
        let rows: [Span]
        /// Cuts along the columns; empty when the frame runs whole.
        let columns: [Span]

        /// Whether the frame runs whole (one graph run, no copies).
        var isWhole: Bool { rows.isEmpty }

        /// Graph runs per batch.
        var tileCount: Int { isWhole ? 1 : rows.count * columns.count }

        /// The elements of the largest tile input, `batch * channels * rows * columns`.
        var largestTileCount: Int {
            let height = rows.map(\.tile.count).max() ?? 0
            let width = columns.map(\.tile.count).max() ?? 0
            return input.n * input.c * height * width
        }

        /// Whether the plan was made for this input and these settings.
        func fits(_ shape: Shape, budgetBytes: Int, forcedTile: (height: Int, width: Int)?) -> Bool {
            input == shape && self.budgetBytes == budgetBytes
                && self.forcedTile?.height == forcedTile?.height && self.forcedTile?.width == forcedTile?.width
        }
    }
}
