import Foundation

/// The catalog of named kernels a spec may use, such as `gaussian` or `sobel-x`.
///
/// Every kernel takes `scale` (a multiplier on the weights, 1 by default) and `bias` (added after
/// filtering, in units of full scale, 0 by default); `box` also takes `size`, and `gaussian` takes
/// `size` and `sigma`. All matrices are applied by correlation (see ``Kernel``), so the `-x`
/// derivatives are positive where brightness increases to the right and the `-y` ones where it
/// increases downwards.
public enum BuiltInKernel: String, CaseIterable, Sendable {
    /// `[1]`: leaves the image as it is.
    case identity
    /// The mean of a size×size square.
    case box
    /// A binomial (default) or sampled gaussian blur.
    case gaussian
    /// `[0 -1 0; -1 5 -1; 0 -1 0]`.
    case sharpen
    /// `[-2 -1 0; -1 1 1; 0 1 2]`.
    case emboss
    /// `[0 1 0; 1 -4 1; 0 1 0]`.
    case laplacian
    /// The magnitude of Sobel-x and Sobel-y.
    case sobel
    /// `[-1 0 1; -2 0 2; -1 0 1]`.
    case sobelX = "sobel-x"
    /// `[-1 -2 -1; 0 0 0; 1 2 1]`.
    case sobelY = "sobel-y"
    /// The magnitude of Prewitt-x and Prewitt-y.
    case prewitt
    /// `[-1 0 1; -1 0 1; -1 0 1]`.
    case prewittX = "prewitt-x"
    /// `[-1 -1 -1; 0 0 0; 1 1 1]`.
    case prewittY = "prewitt-y"

    /// The name written in specs, such as `sobel-x`.
    public var name: String { rawValue }

    /// One sentence describing the kernel, for `convoy kernels`.
    public var summary: String {
        switch self {
        case .identity: return "Passes the image through unchanged."
        case .box: return "Blurs by averaging a size×size square with equal weights."
        case .gaussian:
            return "Blurs with a gaussian bell, binomial by default or sampled when sigma is given."
        case .sharpen: return "Sharpens by subtracting the four neighbours from five times the centre."
        case .emboss:
            return "Embosses with a diagonal relief that brightens edges facing the upper left and darkens "
                + "those facing the lower right, keeping flat areas as they are."
        case .laplacian: return "Finds edges in every direction with the four-neighbour Laplacian, which is zero on flat areas."
        case .sobel: return "Finds edges as the magnitude sqrt(gx² + gy²) of the Sobel x and y derivatives."
        case .sobelX: return "Takes the Sobel derivative across columns, positive where brightness rises to the right."
        case .sobelY: return "Takes the Sobel derivative across rows, positive where brightness rises downwards."
        case .prewitt: return "Finds edges as the magnitude sqrt(gx² + gy²) of the Prewitt x and y derivatives."
        case .prewittX: return "Takes the Prewitt derivative across columns, positive where brightness rises to the right."
        case .prewittY: return "Takes the Prewitt derivative across rows, positive where brightness rises downwards."
        }
    }

    /// The parameters a spec may give this kernel, in the order listings show them.
    public var parameters: [KernelParameter] {
        switch self {
        case .box: return [.size, .scale, .bias]
        case .gaussian: return [.size, .sigma, .scale, .bias]
        default: return [.scale, .bias]
        }
    }

    /// The kernel with every parameter at its default.
    public var defaultKernel: Kernel {
        do {
            return try make(parameters: [], spec: name)
        } catch {
            preconditionFailure("The built-in \(name) kernel is invalid: \(error)")
        }
    }

    /// The kernel with the given parameters, written as in a spec (`["sigma": "1.5"]`).
    ///
    /// - Throws: ``KernelSpecError`` for a parameter this kernel does not take or a bad value.
    public func kernel(parameters: [String: String]) throws -> Kernel {
        let ordered = parameters.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        let spec = ordered.isEmpty ? name : name + ":" + ordered.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        return try make(parameters: ordered, spec: spec)
    }

    /// Builds the kernel from `key=value` pairs already split; errors name `spec`.
    func make(parameters: [(name: String, value: String)], spec: String) throws -> Kernel {
        var size: Int?
        var sigma: Double?
        var sigmaText = ""
        var scale: Float = 1
        var bias: Float = 0
        let accepted = self.parameters.map(\.name)
        for parameter in parameters {
            guard accepted.contains(parameter.name) else {
                throw KernelSpecError.unknownParameter(
                    spec: spec, kernel: name, parameter: parameter.name, known: accepted
                )
            }
            switch parameter.name {
            case "size":
                size = try BuiltInKernel.size(parameter.value, spec: spec)
            case "sigma":
                let value = try KernelSpec.number(parameter.value, for: "sigma", spec: spec)
                guard value > 0 else {
                    throw KernelSpecError.badParameterValue(
                        spec: spec, parameter: "sigma", value: parameter.value, reason: "sigma must be greater than 0"
                    )
                }
                sigma = value
                sigmaText = parameter.value
            case "scale":
                scale = try KernelSpec.float(parameter.value, for: "scale", spec: spec)
            default:
                bias = try KernelSpec.float(parameter.value, for: "bias", spec: spec)
            }
        }
        switch self {
        case .identity:
            return try Kernel(name: name, matrix: [[1]], scale: scale, bias: bias)
        case .box:
            let side = size ?? 3
            return try Kernel(
                name: name, matrix: Array(repeating: Array(repeating: 1, count: side), count: side),
                scale: scale, bias: bias
            )
        case .gaussian:
            return try BuiltInKernel.gaussian(
                size: size, sigma: sigma, sigmaText: sigmaText, scale: scale, bias: bias, spec: spec
            )
        case .sharpen:
            return try Kernel(name: name, matrix: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]], scale: scale, bias: bias)
        case .emboss:
            return try Kernel(name: name, matrix: [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], scale: scale, bias: bias)
        case .laplacian:
            return try Kernel(name: name, matrix: [[0, 1, 0], [1, -4, 1], [0, 1, 0]], scale: scale, bias: bias)
        case .sobel:
            return try Kernel(
                name: name, matrix: BuiltInKernel.sobelXMatrix, scale: scale, bias: bias,
                kind: .gradientMagnitude(partner: BuiltInKernel.sobelYMatrix)
            )
        case .sobelX:
            return try Kernel(name: name, matrix: BuiltInKernel.sobelXMatrix, scale: scale, bias: bias)
        case .sobelY:
            return try Kernel(name: name, matrix: BuiltInKernel.sobelYMatrix, scale: scale, bias: bias)
        case .prewitt:
            return try Kernel(
                name: name, matrix: BuiltInKernel.prewittXMatrix, scale: scale, bias: bias,
                kind: .gradientMagnitude(partner: BuiltInKernel.prewittYMatrix)
            )
        case .prewittX:
            return try Kernel(name: name, matrix: BuiltInKernel.prewittXMatrix, scale: scale, bias: bias)
        case .prewittY:
            return try Kernel(name: name, matrix: BuiltInKernel.prewittYMatrix, scale: scale, bias: bias)
        }
    }

    private static let sobelXMatrix: [[Float]] = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    private static let sobelYMatrix: [[Float]] = [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]
    private static let prewittXMatrix: [[Float]] = [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]
    private static let prewittYMatrix: [[Float]] = [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]

    /// Reads a `size` value: an odd whole number from 1 to ``Kernel/maximumSize``.
    private static func size(_ text: String, spec: String) throws -> Int {
        guard let value = Int(text), value >= 1, value <= Kernel.maximumSize, value % 2 == 1 else {
            throw KernelSpecError.badParameterValue(
                spec: spec, parameter: "size", value: text,
                reason: "the size must be an odd whole number from 1 to \(Kernel.maximumSize)"
            )
        }
        return value
    }

    /// The gaussian kernel: binomial without `sigma`, sampled and normalised to sum 1 with it.
    private static func gaussian(
        size: Int?, sigma: Double?, sigmaText: String, scale: Float, bias: Float, spec: String
    ) throws -> Kernel {
        let name = BuiltInKernel.gaussian.name
        guard let sigma else {
            // Row n of Pascal's triangle; its outer product sums to 4^n, a power of two.
            let side = size ?? 3
            var row: [Double] = [1]
            while row.count < side { row = zip(row + [0], [0] + row).map { $0 + $1 } }
            let matrix = row.map { a in row.map { b in Float(a * b) } }
            let divisor = Float(row.reduce(0, +) * row.reduce(0, +))
            return try Kernel(name: name, matrix: matrix, divisor: divisor, scale: scale, bias: bias)
        }
        let widthForSigma = 2 * (3 * sigma).rounded(.up) + 1
        guard size != nil || widthForSigma <= Double(Kernel.maximumSize) else {
            throw KernelSpecError.badParameterValue(
                spec: spec, parameter: "sigma", value: sigmaText,
                reason: "without a size it needs a kernel 2·ceil(3·sigma)+1 pixels wide, more than the "
                    + "limit of \(Kernel.maximumSize); give a sigma of at most 5 or a size"
            )
        }
        let side = size ?? Int(widthForSigma)
        let radius = side / 2
        var matrix: [[Float]] = []
        var sum = 0.0
        for y in -radius...radius {
            var row: [Float] = []
            for x in -radius...radius {
                let squaredDistance = Double(x * x + y * y)
                let value = squaredDistance == 0 ? 1 : Float(exp(-squaredDistance / (2 * sigma * sigma)))
                row.append(value)
                sum += Double(value)
            }
            matrix.append(row)
        }
        return try Kernel(name: name, matrix: matrix, divisor: Float(sum), scale: scale, bias: bias)
    }
}
