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

    /// The groups to filter for `space`, given the working image's plane layout.
    public static func groups(for space: FilterSpace, planes: [PlanarImage.Plane]) -> [PlaneGroup] {
        let selected = space == .luma ? [0] : Array(planes.indices)
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
}
