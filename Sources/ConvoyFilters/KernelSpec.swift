/// Reads kernels written as text, on the command line or in pipeline files.
///
/// Two forms are accepted, with white space allowed around every token:
///
/// - A built-in name, optionally with parameters after a colon: `sobel`, `box:size=5`,
///   `gaussian:sigma=1.5,size=5`, `sobel-x:scale=0.5,bias=0.5`. Names ignore case and accept `_`
///   for `-`. See ``BuiltInKernel`` for the names and their parameters.
/// - A custom matrix in brackets, rows separated by `;` and entries by spaces and/or commas, then an
///   optional `/divisor` and optional `scale` and `bias` parameters:
///   `[1 2 1; 2 4 2; 1 2 1]/16`, `[-1, 0, 1]`, `[0 -1 0; -1 5 -1; 0 -1 0]:bias=0.5`.
///   Entries and the divisor are decimal numbers (`-0.25`, `.5`, `1e-3`). Without a divisor the
///   matrix is divided by the sum of its entries, or by 1 when they sum to zero.
///
/// Custom matrices are applied by correlation, as written (see ``Kernel``).
public enum KernelSpec {
    /// Parses a kernel spec.
    ///
    /// - Returns: A validated kernel. Built-in kernels are named after their catalog entry; a custom
    ///   matrix is named by the spec text itself.
    /// - Throws: ``KernelSpecError`` naming the spec and what is wrong with it.
    public static func parse(_ text: String) throws -> Kernel {
        let spec = trimmed(Substring(text))
        guard let first = spec.first else { throw KernelSpecError.emptySpec }
        let specText = String(spec)
        if first == "[" { return try parseMatrix(spec, specText: specText) }
        if first == "]" || first == "." || first == "+" || first == "-" || first.isASCII && first.isNumber {
            throw KernelSpecError.malformedMatrix(spec: specText, reason: "it is missing the opening bracket [")
        }
        let nameText: Substring
        var parameterList: [(name: String, value: String)] = []
        if let colon = spec.firstIndex(of: ":") {
            nameText = spec[..<colon]
            parameterList = try parameters(spec[spec.index(after: colon)...], spec: specText)
        } else {
            nameText = spec
        }
        let name = String(trimmed(nameText)).lowercased().replacingUnderscores()
        guard let builtIn = BuiltInKernel(rawValue: name) else {
            throw KernelSpecError.unknownKernel(
                spec: specText, name: String(trimmed(nameText)), known: BuiltInKernel.allCases.map(\.name)
            )
        }
        return try builtIn.make(parameters: parameterList, spec: specText)
    }

    /// Parses `[rows]`, an optional `/divisor` and optional `:scale=…,bias=…`.
    private static func parseMatrix(_ spec: Substring, specText: String) throws -> Kernel {
        func malformed(_ reason: String) -> KernelSpecError {
            KernelSpecError.malformedMatrix(spec: specText, reason: reason)
        }
        let body = spec.dropFirst()
        guard let close = body.firstIndex(of: "]") else {
            throw malformed("it is missing the closing bracket ]")
        }
        let inside = body[..<close]
        if inside.contains("[") { throw malformed("it has a second opening bracket [ inside the matrix") }
        let matrix = try rows(of: inside, malformed: malformed)

        var rest = trimmed(body[body.index(after: close)...])
        var parameterList: [(name: String, value: String)] = []
        if let colon = rest.firstIndex(of: ":") {
            parameterList = try parameters(rest[rest.index(after: colon)...], spec: specText)
            rest = trimmed(rest[..<colon])
        }
        var divisor: Float?
        if let slash = rest.first {
            guard slash == "/" else {
                throw malformed("the text \(KernelSpecError.quote(String(rest))) after the closing bracket is "
                    + "neither a /divisor nor :parameters")
            }
            let divisorText = trimmed(rest.dropFirst())
            guard !divisorText.isEmpty else { throw malformed("the divisor after / is missing") }
            guard let value = NumberText.float(divisorText) else {
                throw malformed("the divisor \(KernelSpecError.quote(String(divisorText))) is not a number "
                    + "within the range of a 32-bit float")
            }
            guard value != 0 else { throw KernelSpecError.zeroDivisor(spec: specText) }
            divisor = value
        }

        var scale: Float = 1
        var bias: Float = 0
        for parameter in parameterList {
            switch parameter.name {
            case "scale": scale = try float(parameter.value, for: "scale", spec: specText)
            case "bias": bias = try float(parameter.value, for: "bias", spec: specText)
            default:
                throw KernelSpecError.unknownParameter(
                    spec: specText, kernel: "custom", parameter: parameter.name, known: ["scale", "bias"]
                )
            }
        }
        return try Kernel(name: specText, matrix: matrix, divisor: divisor, scale: scale, bias: bias)
    }

    /// Splits the inside of the brackets into rows of numbers, all of the same length.
    private static func rows(
        of inside: Substring, malformed: (String) -> KernelSpecError
    ) throws -> [[Float]] {
        let rowTexts = inside.split(separator: ";", omittingEmptySubsequences: false)
        let tokenRows = rowTexts.map { $0.split { $0.isWhitespace || $0 == "," } }
        guard tokenRows.contains(where: { !$0.isEmpty }) else { throw malformed("it has no entries") }
        var matrix: [[Float]] = []
        for (index, tokens) in tokenRows.enumerated() {
            let rowNumber = index + 1
            guard !tokens.isEmpty else {
                throw malformed("row \(rowNumber) of \(tokenRows.count) is empty")
            }
            if let first = tokenRows.first, tokens.count != first.count {
                throw malformed("row \(rowNumber) has \(tokens.count) \(tokens.count == 1 ? "entry" : "entries") "
                    + "but row 1 has \(first.count)")
            }
            var row: [Float] = []
            row.reserveCapacity(tokens.count)
            for token in tokens {
                guard let value = NumberText.float(token) else {
                    let problem = NumberText.double(token) == nil
                        ? "is not a number" : "is outside the range of a 32-bit float"
                    throw malformed("the entry \(KernelSpecError.quote(String(token))) in row \(rowNumber) \(problem)")
                }
                row.append(value)
            }
            matrix.append(row)
        }
        return matrix
    }

    /// Splits `key=value,key=value` into pairs with lower-cased keys, refusing empty items and
    /// repeated keys. Which keys are allowed is up to the caller.
    static func parameters(_ text: Substring, spec: String) throws -> [(name: String, value: String)] {
        func malformed(_ reason: String) -> KernelSpecError {
            KernelSpecError.malformedParameters(spec: spec, reason: reason)
        }
        guard !trimmed(text).isEmpty else { throw malformed("nothing follows the colon") }
        var result: [(name: String, value: String)] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = trimmed(item)
            guard !entry.isEmpty else { throw malformed("it has an empty item between commas") }
            guard let equals = entry.firstIndex(of: "=") else {
                throw malformed("\(KernelSpecError.quote(String(entry))) is not of the form key=value")
            }
            let name = String(trimmed(entry[..<equals])).lowercased()
            let value = String(trimmed(entry[entry.index(after: equals)...]))
            guard !name.isEmpty else {
                throw malformed("\(KernelSpecError.quote(String(entry))) has no parameter name before =")
            }
            guard !value.isEmpty else {
                throw malformed("\(KernelSpecError.quote(String(entry))) has no value after =")
            }
            guard !result.contains(where: { $0.name == name }) else {
                throw malformed("it gives \(KernelSpecError.quote(name)) more than once")
            }
            result.append((name: name, value: value))
        }
        return result
    }

    /// Reads a parameter value as a finite decimal number.
    static func number(_ text: String, for parameter: String, spec: String) throws -> Double {
        guard let value = NumberText.double(Substring(text)) else {
            throw KernelSpecError.badParameterValue(
                spec: spec, parameter: parameter, value: text, reason: "\(parameter) must be a decimal number"
            )
        }
        return value
    }

    /// Reads a parameter value as a decimal number that fits a 32-bit float.
    static func float(_ text: String, for parameter: String, spec: String) throws -> Float {
        guard let value = NumberText.float(Substring(text)) else {
            throw KernelSpecError.badParameterValue(
                spec: spec, parameter: parameter, value: text,
                reason: "\(parameter) must be a decimal number within the range of a 32-bit float"
            )
        }
        return value
    }

    /// `text` without white space at either end.
    private static func trimmed(_ text: Substring) -> Substring {
        guard let start = text.firstIndex(where: { !$0.isWhitespace }),
              let end = text.lastIndex(where: { !$0.isWhitespace }) else { return text[text.endIndex...] }
        return text[start...end]
    }
}

private extension String {
    /// The string with every `_` turned into `-`, so `sobel_x` names `sobel-x`.
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
