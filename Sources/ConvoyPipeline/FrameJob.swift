import ConvoyMedia

/// A job that reads frames (filter, features, preview): its `source`, and the input's name and
/// raw format as the commands set them.
public protocol FrameJob {
    /// Where the frames come from: a file, URL, standard input, raw frames or generated ones.
    var source: FrameInput { get set }
}

extension FrameJob {
    /// The input's name (`-`: standard input); setting it keeps `raw`.
    public var input: String {
        get { source.name }
        set { source.name = newValue }
    }

    /// When the input is headerless raw frames (`--raw`): their size, pixel format and rate.
    public var raw: RawVideoFormat? {
        get { source.raw }
        set { source.raw = newValue }
    }
}
