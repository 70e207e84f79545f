import ConvoyMedia

/// A decoded picture's size and pixel format: what `PictureChange` watches for a change of.
struct PictureShape: Equatable {
    var width: Int
    var height: Int
    var pixelFormat: WorkingFormat.Format

    var description: String { "\(width)x\(height) \(WorkingFormat.name(pixelFormat))" }
}
