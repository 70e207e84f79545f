import ConvoyMedia

/// Watches a stream's decoded pictures for a change of size or pixel format mid-way (joined
/// broadcasts, a new SPS, a folder of pictures of several sizes). Every picture is scaled to the
/// size and format the stream began with, as ffmpeg scales them for its encoder; each change is
/// reported once, when the picture that brings it arrives, and `--strict` refuses it instead.
struct PictureChange {
    /// What the stream began with: every picture is scaled to it.
    let first: PictureShape
    private var last: PictureShape

    init(first: PictureShape) {
        self.first = first
        last = first
    }

    /// Notes a decoded picture of `shape` from `name` and reports it when it differs from the
    /// picture before; `place` says where it is (`at 2.400 s`, `in b.png`).
    ///
    /// - Throws: `ConvoyError` (65) with `strict`, at the first change.
    mutating func note(_ shape: PictureShape, name: String, place: String, strict: Bool) throws {
        guard shape != last else { return }
        let change = "\(name): the video changes from \(last.description) to \(shape.description) \(place)"
        last = shape
        if strict {
            throw ConvoyError("\(change) (--strict refuses a video whose pictures change size or pixel format).",
                              exitCode: ConvoyError.dataError)
        }
        Log.warning("\(change); its pictures are scaled to \(first.description), as the video began.")
    }
}
