/// A parameter a built-in kernel takes in its spec, as in `gaussian:sigma=1.5,size=5`.
public struct KernelParameter: Equatable, Sendable {
    /// The key written in the spec, such as `size`.
    public let name: String
    /// One sentence saying what the parameter does.
    public let summary: String
    /// The value used when the spec leaves the parameter out, as text for listings.
    public let defaultText: String

    /// Describes a parameter.
    public init(name: String, summary: String, defaultText: String) {
        self.name = name
        self.summary = summary
        self.defaultText = defaultText
    }

    /// `size`: the odd side length of box and gaussian kernels.
    public static let size = KernelParameter(
        name: "size",
        summary: "The width and height of the kernel in pixels, an odd whole number from 1 to 31.",
        defaultText: "3"
    )

    /// `sigma`: the standard deviation of a sampled gaussian.
    public static let sigma = KernelParameter(
        name: "sigma",
        summary: "The standard deviation in pixels; without it the gaussian is the binomial kernel of the size, "
            + "and without a size it makes the kernel 2·ceil(3·sigma)+1 wide.",
        defaultText: "none"
    )

    /// `scale`: a multiplier on every weight.
    public static let scale = KernelParameter(
        name: "scale",
        summary: "A multiplier applied to every weight.",
        defaultText: "1"
    )

    /// `bias`: a constant added after filtering.
    public static let bias = KernelParameter(
        name: "bias",
        summary: "A constant added to every pixel after filtering, in units of full scale (1 is white).",
        defaultText: "0"
    )
}
