/// How a convolution reads samples that fall outside its input (in the padding).
///
/// The names and meanings are PyTorch's `padding_mode` (and numpy's `np.pad` modes). For a row
/// `[a, b, c, d]` read at indices `-2, -1, 0 … 3, 4, 5`:
///
/// - `zero`:      `0 0 | a b c d | 0 0`
/// - `replicate`: `a a | a b c d | d d` (nearest edge sample)
/// - `reflect`:   `c b | a b c d | c b` (mirror about the edge sample, without repeating it)
///
/// When padding exceeds `size - 1`, `reflect` keeps folding (period `2 * (size - 1)`, as numpy
/// does), so it never reads out of bounds; a 1-sample-wide axis always reads its single sample.
public enum BorderMode: String, CaseIterable, Sendable {
    /// Samples outside the input read 0.
    case zero
    /// Samples outside the input read the nearest edge sample.
    case replicate
    /// Samples outside the input read the input mirrored about its edge sample.
    case reflect

    /// The in-bounds index that a read at `index` resolves to along an axis of `count` samples,
    /// or `nil` when the read yields 0 (`zero` mode outside `0 ..< count`).
    ///
    /// - Precondition: `count >= 1`.
    @inlinable
    public func sourceIndex(_ index: Int, count: Int) -> Int? {
        if index >= 0 && index < count {
            return index
        }
        precondition(count >= 1, "BorderMode needs a non-empty axis")
        switch self {
        case .zero:
            return nil
        case .replicate:
            return index < 0 ? 0 : count - 1
        case .reflect:
            if count == 1 {
                return 0
            }
            let period = 2 * (count - 1)
            var folded = index % period
            if folded < 0 {
                folded += period
            }
            return folded < count ? folded : period - folded
        }
    }
}
