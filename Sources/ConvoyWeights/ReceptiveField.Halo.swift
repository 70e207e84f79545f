extension ReceptiveField {
    /// How many input pixels a tile needs beyond its core on each side, so that every output
    /// sample the core owns is computed from the same values as in the whole frame.
    ///
    /// The sides may differ: a stride-2 3×3 convolution with padding 1 reads one pixel before
    /// its outputs' image but none after it (`top: 1, bottom: 0`).
    public struct Halo: Hashable, Sendable, CustomStringConvertible {
        /// Rows above the core.
        public var top: Int
        /// Rows below the core.
        public var bottom: Int
        /// Columns left of the core.
        public var left: Int
        /// Columns right of the core.
        public var right: Int

        /// No halo: every output depends only on the pixels of its own core.
        public static let zero = Halo(top: 0, bottom: 0, left: 0, right: 0)

        public init(top: Int, bottom: Int, left: Int, right: Int) {
            self.top = top
            self.bottom = bottom
            self.left = left
            self.right = right
        }

        /// The larger of the two halos on each side.
        public func union(_ other: Halo) -> Halo {
            Halo(top: max(top, other.top), bottom: max(bottom, other.bottom),
                 left: max(left, other.left), right: max(right, other.right))
        }

        /// `top 2, bottom 2, left 2, right 2`.
        public var description: String {
            "top \(top), bottom \(bottom), left \(left), right \(right)"
        }
    }
}
