import ConvoyMedia

/// Planes of a working image that share one size and so can share one batch tensor.
///
/// RGB work has one group (R, G, B); 4:2:0 YUV work has two (Y) and (U, V); luma work has (Y).
public struct PlaneGroup: Equatable, Sendable {
    /// Plane indices of the working image, in tensor channel order.
    public var planes: [Int]
    public var width: Int
    public var height: Int

    public init(planes: [Int], width: Int, height: Int) {
        self.planes = planes
        self.width = width
        self.height = height
    }

    /// The groups to filter for `space`, given the working image's plane layout. A fourth plane is
    /// alpha (working formats have four planes only then): left out unless `includingAlpha`.
    public static func groups(for space: FilterSpace, planes: [PlanarImage.Plane], includingAlpha: Bool = false) -> [PlaneGroup] {
        let selected = selection(for: space, planes: planes, includingAlpha: includingAlpha)
        var groups: [PlaneGroup] = []
        for index in selected {
            let plane = planes[index]
            if let last = groups.last, last.width == plane.width, last.height == plane.height {
                groups[groups.count - 1].planes.append(index)
            } else {
                groups.append(PlaneGroup(planes: [index], width: plane.width, height: plane.height))
            }
        }
        return groups
    }

    /// The plane indices filtered for `space`: Y alone for luma, else every plane but alpha
    /// (unless `includingAlpha`).
    public static func selection(for space: FilterSpace, planes: [PlanarImage.Plane], includingAlpha: Bool = false) -> [Int] {
        if space == .luma { return [0] }
        return Array(planes.indices.prefix(planes.count == 4 && !includingAlpha ? 3 : planes.count))
    }
}
