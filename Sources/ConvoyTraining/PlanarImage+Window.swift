import ConvoyMedia

extension PlanarImage {
    /// A copy of the `width` × `height` window whose top-left corner is `origin` (a training
    /// crop), in the same pixel format (8- or 16-bit samples); subsampled planes take the
    /// matching, rounded-down window.
    ///
    /// - Precondition: the window lies inside the image.
    func window(at origin: CropOrigin, width: Int, height: Int) -> PlanarImage {
        precondition(origin.x >= 0 && origin.y >= 0 && origin.x + width <= self.width && origin.y + height <= self.height,
                     "the window must lie inside the image")
        let copy = PlanarImage(width: width, height: height, pixelFormat: pixelFormat)
        for index in planes.indices {
            let from = planes[index], to = copy.planes[index]
            let x = origin.x * from.width / max(1, self.width), y = origin.y * from.height / max(1, self.height)
            let rows = min(to.height, from.height - y), columns = min(to.width, from.width - x)
            guard rows > 0, columns > 0 else { continue }
            for row in 0..<rows {
                (copy.plane(index) + row * to.stride).update(from: plane(index) + (y + row) * from.stride + x * bytesPerSample,
                                                             count: columns * bytesPerSample)
            }
        }
        copy.timestamp = timestamp
        copy.index = index
        return copy
    }
}
