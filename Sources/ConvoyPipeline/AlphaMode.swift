/// What fixed kernels do to a picture's alpha channel (PNG, TIFF and WebP with transparency).
public enum AlphaMode: String, CaseIterable, Sendable, Codable {
    /// The alpha plane passes through unfiltered (the default), as a mask should.
    case copy
    /// The alpha plane is filtered by the same kernels as the colour planes.
    case filter
}
