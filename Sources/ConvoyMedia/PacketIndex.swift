import CFFmpeg

/// The video stream's packets as the demuxer gives them, in decoding (file) order, read without
/// decoding anything: what `convoy plan` cuts an input by.
public struct PacketIndex: Sendable {
    /// One video packet.
    public struct Entry: Sendable, Equatable {
        /// Presentation and decoding timestamps in the stream's time base.
        public var pts: Int64
        /// Nil where the container does not store it (Matroska's first packets).
        public var dts: Int64?
        /// The packet's duration in the stream's time base (0 when the container does not say).
        public var duration: Int64
        /// A keyframe: decoding can start here.
        public var isKeyframe: Bool
        /// The demuxer marks the packet's picture to be dropped (edit-list pre-roll): it is
        /// decoded but never shown, so it is no frame of the video.
        public var isDiscarded: Bool
    }

    /// The input's name, for messages.
    public let input: String
    /// The video stream's index and time base.
    public let streamIndex: Int
    public let timeBase: (num: Int32, den: Int32)
    /// The video stream's codec, e.g. `h264`.
    public let codecName: String
    /// Every video packet, in decoding order.
    public let entries: [Entry]

    /// Reads every packet of `input`'s video stream (the demuxer only: nothing is decoded).
    ///
    /// - Throws: `MediaError.cannotIndex` when a video packet has no presentation time (an
    ///   elementary stream, which has no timestamps to cut at), or the stream has no packet;
    ///   `FFmpegError` when the input cannot be read.
    public init(input: InputFile) throws {
        self.input = input.name
        streamIndex = input.videoStreamIndex
        timeBase = input.video.timeBase
        codecName = input.video.codecName
        let packet = Packet()
        var entries: [Entry] = []
        let none = convoy_nopts_value()
        while try input.read(into: packet) {
            guard packet.streamIndex == streamIndex else { continue }
            guard packet.pts != none else {
                throw MediaError.cannotIndex(input: input.name,
                                             reason: "video packet \(entries.count) has no presentation time (an elementary stream?); remux it into a container first, e.g. ffmpeg -i IN -c copy OUT.mkv")
            }
            entries.append(Entry(pts: packet.pts, dts: packet.dts == none ? nil : packet.dts, duration: packet.duration,
                                 isKeyframe: packet.isKeyframe, isDiscarded: packet.isDiscarded))
        }
        guard !entries.isEmpty else { throw MediaError.cannotIndex(input: input.name, reason: "the video stream has no packets") }
        self.entries = entries
    }

    /// An index of given packets (for tests and tools that know them).
    public init(input: String, streamIndex: Int = 0, timeBase: (num: Int32, den: Int32), codecName: String = "", entries: [Entry]) {
        self.input = input
        self.streamIndex = streamIndex
        self.timeBase = timeBase
        self.codecName = codecName
        self.entries = entries
    }

    /// `timestamp` in seconds.
    public func seconds(_ timestamp: Int64) -> Double {
        Double(timestamp) * Double(timeBase.num) / Double(timeBase.den)
    }
}
