extension ReceptiveField {
    /// The receptive field of one model output, relative to the model input.
    public struct Output: Hashable, Sendable {
        /// The output's name (a layer of the model file, or a graph node).
        public let name: String
        /// Output rows per input row: `1/2` after one stride-2 layer, `2` after `upsample: 2`.
        public let scaleY: ScaleFactor
        /// Output columns per input column.
        public let scaleX: ScaleFactor
        /// Input pixels beyond a tile's core that the outputs the core owns depend on.
        public let halo: Halo

        public init(name: String, scaleY: ScaleFactor, scaleX: ScaleFactor, halo: Halo) {
            self.name = name
            self.scaleY = scaleY
            self.scaleX = scaleX
            self.halo = halo
        }
    }
}
