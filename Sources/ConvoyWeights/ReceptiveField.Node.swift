extension ReceptiveField {
    /// One step of a model as `ReceptiveField` sees it, whether it came from a model file or a
    /// `Graph`: its name, what it reads, and how it reads along each axis.
    struct Node {
        /// How the node maps positions.
        enum Rule {
            /// A single-input layer with local reads: rows by `y`, columns by `x`.
            case layer(y: AxisStep, x: AxisStep)
            /// Inputs combined sample by sample (concat, add); they must be at one scale.
            case merge
            /// An output sample may depend on samples anywhere (a global pool), or the layer is
            /// not known; the reason says which, in a sentence fragment.
            case untileable(String)
        }

        let name: String
        let inputs: [String]
        let rule: Rule
    }
}
