/// How fixed kernels are computed.
public enum KernelEngine: String, CaseIterable, Sendable {
    /// The direct path whenever it applies (every kernel fits inside the planes), else im2col.
    case auto
    /// Row-streaming direct correlation on the image planes (`PlaneStreamFilter`): no batch
    /// tensor, each sample read once.
    case direct
    /// The planes of a batch packed as `[N·P, 1, H, W]` Float32 and filtered by im2col + SGEMM,
    /// as learned layers are.
    case im2col
}
