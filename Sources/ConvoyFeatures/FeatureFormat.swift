/// Where `convoy features` writes feature maps.
public enum FeatureFormat: String, CaseIterable, Sendable {
    /// One `.npy` array `[frames, C, H, W]` (or `[frames, C]` when pooled) per model output,
    /// with the frame times in `NAME.pts.csv` beside it.
    case npy
    /// One `.safetensors` file holding a tensor per output and the frame times as `pts` (F64, s).
    case safetensors
    /// A directory with one `.npy` per frame and output (`OUTPUT_000123.npy`) and `pts.csv`.
    case directory

    /// The format an output path implies: `.npy`, `.safetensors`, else a directory.
    public static func inferred(from path: String) -> FeatureFormat {
        if path.lowercased().hasSuffix(".npy") { return .npy }
        if path.lowercased().hasSuffix(".safetensors") { return .safetensors }
        return .directory
    }
}
