extension Kernel {
    /// The kernel on one line in spec syntax, such as `[1 2 1; 2 4 2; 1 2 1]/16` or
    /// `[-1 0 1; -2 0 2; -1 0 1]:scale=2,bias=0.5`.
    ///
    /// For a linear kernel, ``KernelSpec/parse(_:)`` reads this text back into a kernel with the
    /// same matrix, divisor, scale and bias. A gradient-magnitude kernel has no spec syntax of its
    /// own; it is written as `|[x matrix], [y matrix]|` followed by the same suffixes.
    public var inlineText: String {
        func row(_ values: [Float]) -> String { values.map(NumberText.exact).joined(separator: " ") }
        func bracketed(_ rows: [[Float]]) -> String { "[" + rows.map(row).joined(separator: "; ") + "]" }
        var text: String
        switch kind {
        case .linear: text = bracketed(matrix)
        case .gradientMagnitude(let partner): text = "|" + bracketed(matrix) + ", " + bracketed(partner) + "|"
        }
        if divisor != Kernel.defaultDivisor(for: matrix) { text += "/" + NumberText.exact(divisor) }
        var parameters: [String] = []
        if scale != 1 { parameters.append("scale=" + NumberText.exact(scale)) }
        if bias != 0 { parameters.append("bias=" + NumberText.exact(bias)) }
        if !parameters.isEmpty { text += ":" + parameters.joined(separator: ",") }
        return text
    }

    /// The matrix laid out for reading, one row per line with aligned columns, for listings such as
    /// `convoy kernels`. The divisor, scale and bias follow on the middle row when they are not
    /// neutral, and a gradient-magnitude kernel shows its x and y matrices side by side:
    ///
    ///     [ 1  2  1 ]
    ///     [ 2  4  2 ] / 16
    ///     [ 1  2  1 ]
    ///
    /// Entries are written with at most four significant digits.
    public var matrixText: String {
        var suffix = ""
        if divisor != 1 { suffix += " / " + NumberText.short(divisor) }
        if scale != 1 { suffix += " × " + NumberText.short(scale) }
        var lines: [String]
        switch kind {
        case .linear:
            lines = Kernel.block(matrix)
        case .gradientMagnitude(let partner):
            let x = Kernel.block(matrix)
            let y = Kernel.block(partner)
            let middle = matrix.count / 2
            lines = zip(x, y).enumerated().map { index, pair in
                index == middle
                    ? "sqrt( x² + y² ),  x = \(pair.0),  y = \(pair.1)"
                    : "                      \(pair.0)       \(pair.1)"
            }
        }
        if bias != 0 { suffix += (bias < 0 ? " − " : " + ") + NumberText.short(abs(bias)) }
        if !suffix.isEmpty { lines[matrix.count / 2] += suffix }
        return lines.joined(separator: "\n")
    }

    /// Rows of `values` as `[ a  b  c ]` lines, each column right-aligned to its widest entry.
    private static func block(_ values: [[Float]]) -> [String] {
        let cells = values.map { $0.map(NumberText.short) }
        let widths = (0..<cells[0].count).map { column in cells.map { $0[column].count }.max() ?? 0 }
        return cells.map { row in
            let padded = zip(row, widths).map { cell, width in String(repeating: " ", count: width - cell.count) + cell }
            return "[ " + padded.joined(separator: "  ") + " ]"
        }
    }
}
