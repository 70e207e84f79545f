/// The top-left corner of a window in a frame, in pixels (x to the right, y down).
public struct CropOrigin: Equatable, Hashable, Sendable {
    public var x: Int
    public var y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}
