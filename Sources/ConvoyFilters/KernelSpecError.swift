import ConvoyTensor

/// Why a kernel spec (or a kernel made in code) was rejected.
///
/// Every case carries the spec as written and describes itself in one line that names it, so a
/// command line or pipeline file can print the message as it is.
public enum KernelSpecError: Error, Equatable, CustomStringConvertible {
    /// The spec is empty or only white space.
    case emptySpec
    /// The spec names no built-in kernel; `known` lists the names that exist.
    case unknownKernel(spec: String, name: String, known: [String])
    /// The spec gives a parameter the kernel does not take; `known` lists those it takes.
    case unknownParameter(spec: String, kernel: String, parameter: String, known: [String])
    /// A parameter's value is not a number or is out of range; `reason` says what it must be.
    case badParameterValue(spec: String, parameter: String, value: String, reason: String)
    /// The `key=value` list after the colon cannot be read; `reason` says where.
    case malformedParameters(spec: String, reason: String)
    /// A custom matrix cannot be read (ragged rows, a non-numeric entry, no entries, a bracket
    /// missing, stray text); `reason` says which.
    case malformedMatrix(spec: String, reason: String)
    /// The matrix has an even number of rows or columns (or both), so it has no centre.
    case evenSizedMatrix(spec: String, rows: Int, columns: Int)
    /// The spec divides the matrix by zero.
    case zeroDivisor(spec: String)
    /// The matrix is larger than ``Kernel/maximumSize`` in some direction.
    case tooLarge(spec: String, rows: Int, columns: Int)

    /// The spec the error is about, as it was given.
    public var spec: String {
        switch self {
        case .emptySpec:
            return ""
        case .unknownKernel(let spec, _, _), .unknownParameter(let spec, _, _, _),
             .badParameterValue(let spec, _, _, _), .malformedParameters(let spec, _),
             .malformedMatrix(let spec, _), .evenSizedMatrix(let spec, _, _), .zeroDivisor(let spec),
             .tooLarge(let spec, _, _):
            return spec
        }
    }

    /// A one-line explanation that names the spec and what is wrong with it.
    public var description: String {
        let quoted = KernelSpecError.quote(spec)
        switch self {
        case .emptySpec:
            return "The kernel spec is empty; give a kernel name such as \"gaussian\" "
                + "or a matrix such as \"[1 2 1]/4\"."
        case .unknownKernel(_, let name, let known):
            return "Kernel spec \(quoted) names an unknown kernel \(KernelSpecError.quote(name)); "
                + "the known kernels are \(KernelSpecError.list(known)), or write a matrix such as \"[1 2 1]/4\"."
        case .unknownParameter(_, let kernel, let parameter, let known):
            let takes = known.isEmpty ? "it takes no parameters" : "it takes \(KernelSpecError.list(known))"
            return "Kernel spec \(quoted) gives the parameter \(KernelSpecError.quote(parameter)), "
                + "which the \(kernel) kernel does not take; \(takes)."
        case .badParameterValue(_, let parameter, let value, let reason):
            return "Kernel spec \(quoted) gives \(parameter) the value \(KernelSpecError.quote(value)), "
                + "but \(reason)."
        case .malformedParameters(_, let reason):
            return "Kernel spec \(quoted) has a malformed parameter list: \(reason)."
        case .malformedMatrix(_, let reason):
            return "Kernel spec \(quoted) is not a well-formed matrix: \(reason)."
        case .evenSizedMatrix(_, let rows, let columns):
            let which: String
            switch (rows % 2 == 0, columns % 2 == 0) {
            case (true, true): which = "an even height (\(rows)) and an even width (\(columns))"
            case (true, false): which = "an even height (\(rows) rows)"
            default: which = "an even width (\(columns) columns)"
            }
            return "Kernel spec \(quoted) has \(which); a kernel needs an odd height and an odd width "
                + "so that it has a centre pixel."
        case .zeroDivisor:
            return "Kernel spec \(quoted) divides by zero; give a non-zero divisor, or none to divide "
                + "by the sum of the entries."
        case .tooLarge(_, let rows, let columns):
            return "Kernel spec \(quoted) is \(rows)×\(columns), larger than the "
                + "\(Kernel.maximumSize)×\(Kernel.maximumSize) limit."
        }
    }

    /// Puts `text` in double quotes on one line: control characters, quotes and backslashes are
    /// escaped, and text longer than 120 characters is cut short with an ellipsis.
    static func quote(_ text: String) -> String {
        MessageText.quote(text, limit: 120)
    }

    /// Joins names as "a, b and c".
    static func list(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
    }
}
