/// What happens to chroma when only luma is filtered (`space: luma`).
public enum ChromaMode: String, CaseIterable, Sendable, Codable {
    /// Chroma passes through untouched (the default).
    case keep
    /// Chroma is set to neutral grey, so the output shows the filtered luma alone (edge maps).
    case neutral
}
