/// Which planes of a picture the filter runs over.
public enum FilterSpace: String, CaseIterable, Sendable, Codable {
    /// Convert to RGB with the source's colour matrix and filter R, G and B (the default).
    case rgb
    /// Filter each YUV plane as it is stored (chroma at its own, possibly smaller, size).
    case yuv
    /// Filter luma (Y) only; chroma passes through untouched.
    case luma
}
