import ConvoyTensor

/// Limits on the sizes that layers built from a model file may ask for, so that a malformed file
/// (a fuzzed pad of 2^62, a scale of 10^30) gets a `LayerConfigurationError` instead of an
/// arithmetic overflow or an allocation no machine can make.
enum OutputSize {
    /// The largest stride, dilation, pad, block size, group count, window or output side a layer
    /// accepts: far beyond any real network, small enough that sizes derived from it cannot
    /// overflow `Int`.
    static let parameterLimit = 1 << 20

    /// The most elements a layer's output may hold (8 GiB of `Float`, a third of the machine).
    static let maximumElements = 1 << 31

    /// Throws `parameterOutOfRange` when `value` is above `parameterLimit` or below
    /// `-parameterLimit`.
    static func check(_ name: String, _ value: Int) throws {
        guard value >= -parameterLimit && value <= parameterLimit else {
            throw LayerConfigurationError.parameterOutOfRange(name: name, value: value, limit: parameterLimit)
        }
    }

    /// The shape `dims` for an input of `input`, throwing `outputTooLarge` when it holds more
    /// than `maximumElements` elements. Every entry must be non-negative.
    static func shape(_ dims: [Int], input: Shape) throws -> Shape {
        var count = 1
        for dim in dims {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= maximumElements else {
                throw LayerConfigurationError.outputTooLarge(input: input, output: dims)
            }
            count = product
        }
        return Shape(dims)
    }
}
