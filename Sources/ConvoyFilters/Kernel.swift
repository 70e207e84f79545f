/// A fixed 2-D filter kernel: a named matrix of weights, validated once when it is made.
///
/// **Correlation, not convolution.** A kernel is applied the way PyTorch's `conv2d` and
/// `ffmpeg -vf convolution` apply it: the matrix is laid over the image *as written*, with no
/// flip, and each output pixel is
///
///     out[y][x] = scale / divisor · Σ_i Σ_j matrix[i][j] · in[y + i − height/2][x + j − width/2] + bias
///
/// so `matrix[0][0]` weighs the pixel above and to the left of the centre. The sign of derivative
/// kernels follows from this: Sobel-x `[-1 0 1; -2 0 2; -1 0 1]` is *positive* where brightness
/// increases from left to right, and Sobel-y `[-1 -2 -1; 0 0 0; 1 2 1]` is positive where it
/// increases from top to bottom.
///
/// The matrix has an odd height and an odd width (it need not be square: 1×3 and 5×3 are fine), at
/// most ``maximumSize`` in each direction, so that it has a centre pixel and a filtered image keeps
/// its size when padded by `height/2` rows and `width/2` columns.
///
/// A ``Kind/gradientMagnitude(partner:)`` kernel holds two matrices of the same size, an x and a y
/// derivative, and outputs `sqrt(gx² + gy²) + bias`, where `gx` and `gy` are the two correlations
/// scaled by `scale / divisor`.
public struct Kernel: Equatable, Sendable {
    /// The largest height or width a kernel may have.
    public static let maximumSize = 31

    /// A short name for messages and listings, such as `gaussian` or the text of a custom matrix.
    public let name: String
    /// The matrix as written, row by row (top row first); every row has the same odd length.
    public let matrix: [[Float]]
    /// The number the matrix is divided by; never zero.
    public let divisor: Float
    /// A multiplier applied to the weights on top of the divisor.
    public let scale: Float
    /// A constant added to every output pixel after filtering, in units of full scale (1 is white).
    public let bias: Float
    /// Whether the kernel is one correlation or the magnitude of a pair of them.
    public let kind: Kind

    /// Makes a kernel, checking that it can be applied.
    ///
    /// - Parameters:
    ///   - name: A short name used in listings and error messages.
    ///   - matrix: Rows of weights, top row first; odd height and width, at most 31 each.
    ///   - divisor: The number the matrix is divided by. Without one, the divisor is the sum of the
    ///     entries, or 1 when they sum to zero (up to rounding), so blur kernels keep brightness.
    ///   - scale: A multiplier applied to the weights, 1 by default.
    ///   - bias: A constant added after filtering, in units of full scale, 0 by default.
    ///   - kind: `.linear` (the default) or `.gradientMagnitude(partner:)` with a y matrix.
    /// - Throws: ``KernelSpecError`` naming `name` when the matrix is empty, ragged, even-sized or too
    ///   large, when the divisor is zero, or when any number is not finite.
    public init(
        name: String,
        matrix: [[Float]],
        divisor: Float? = nil,
        scale: Float = 1,
        bias: Float = 0,
        kind: Kind = .linear
    ) throws {
        try Kernel.checkShape(of: matrix, spec: name)
        if case .gradientMagnitude(let partner) = kind {
            try Kernel.checkShape(of: partner, spec: name)
            guard partner.count == matrix.count, partner[0].count == matrix[0].count else {
                throw KernelSpecError.malformedMatrix(
                    spec: name,
                    reason: "its y matrix is \(partner.count)×\(partner[0].count) but its x matrix is "
                        + "\(matrix.count)×\(matrix[0].count)"
                )
            }
        }
        let resolvedDivisor = divisor ?? Kernel.defaultDivisor(for: matrix)
        guard resolvedDivisor.isFinite else {
            throw KernelSpecError.badParameterValue(
                spec: name, parameter: "divisor", value: "\(resolvedDivisor)", reason: "it must be a finite number"
            )
        }
        guard resolvedDivisor != 0 else { throw KernelSpecError.zeroDivisor(spec: name) }
        guard scale.isFinite else {
            throw KernelSpecError.badParameterValue(
                spec: name, parameter: "scale", value: "\(scale)", reason: "it must be a finite number"
            )
        }
        guard bias.isFinite else {
            throw KernelSpecError.badParameterValue(
                spec: name, parameter: "bias", value: "\(bias)", reason: "it must be a finite number"
            )
        }
        self.name = name
        self.matrix = matrix
        self.divisor = resolvedDivisor
        self.scale = scale
        self.bias = bias
        self.kind = kind
        let allWeights = (weights + (partnerWeights ?? [])).joined()
        guard allWeights.allSatisfy(\.isFinite) else {
            throw KernelSpecError.malformedMatrix(
                spec: name, reason: "its weights (entries × scale ÷ divisor) overflow a 32-bit float"
            )
        }
    }

    /// The number of rows of the matrix (odd).
    public var height: Int { matrix.count }

    /// The number of columns of the matrix (odd).
    public var width: Int { matrix[0].count }

    /// The weights actually applied: `matrix[i][j] · scale / divisor`, row by row.
    ///
    /// For a gradient-magnitude kernel these are the x weights; see ``partnerWeights``.
    public var weights: [[Float]] { scaled(matrix) }

    /// The y weights of a gradient-magnitude kernel, scaled like ``weights``; `nil` for a linear one.
    public var partnerWeights: [[Float]]? {
        if case .gradientMagnitude(let partner) = kind { return scaled(partner) }
        return nil
    }

    /// The sum of ``weights``: 1 for kernels that keep brightness (blurs), 0 for derivatives.
    public var weightSum: Float {
        Float(weights.joined().reduce(0.0) { $0 + Double($1) })
    }

    /// The divisor used when none is given: the sum of the entries, or 1 when that sum is zero up to
    /// rounding (within a millionth of the sum of the entries' magnitudes).
    public static func defaultDivisor(for matrix: [[Float]]) -> Float {
        let entries = matrix.joined()
        let sum = entries.reduce(0.0) { $0 + Double($1) }
        let magnitude = entries.reduce(0.0) { $0 + abs(Double($1)) }
        if magnitude == 0 || abs(sum) <= 1e-6 * magnitude { return 1 }
        return Float(sum)
    }

    private func scaled(_ rows: [[Float]]) -> [[Float]] {
        let factor = Double(scale) / Double(divisor)
        return rows.map { row in row.map { Float(Double($0) * factor) } }
    }

    private static func checkShape(of matrix: [[Float]], spec: String) throws {
        guard let first = matrix.first, !first.isEmpty else {
            throw KernelSpecError.malformedMatrix(spec: spec, reason: "it has no entries")
        }
        for (index, row) in matrix.enumerated() where row.count != first.count {
            throw KernelSpecError.malformedMatrix(
                spec: spec,
                reason: "row \(index + 1) has \(row.count) \(row.count == 1 ? "entry" : "entries") "
                    + "but row 1 has \(first.count)"
            )
        }
        guard matrix.count <= maximumSize, first.count <= maximumSize else {
            throw KernelSpecError.tooLarge(spec: spec, rows: matrix.count, columns: first.count)
        }
        guard matrix.count % 2 == 1, first.count % 2 == 1 else {
            throw KernelSpecError.evenSizedMatrix(spec: spec, rows: matrix.count, columns: first.count)
        }
        for (index, row) in matrix.enumerated() {
            if let bad = row.first(where: { !$0.isFinite }) {
                throw KernelSpecError.malformedMatrix(
                    spec: spec, reason: "row \(index + 1) holds \(bad), which is not a finite number"
                )
            }
        }
    }
}
