import ConvoyMedia
import Foundation

/// A folder of pictures as a frame source: its files in name order (`PictureFolder.list`), each
/// opened with its own `VideoReader` and its first frame taken, picture `i` at time `i` in the
/// first file's time base (1/25 s for images, as ffmpeg's image2 demuxer times them). A file that
/// cannot be read as a picture is named on stderr, skipped and counted like a damaged packet
/// (`strict`: the first one stops the run). A picture of another size than the first is scaled to
/// the first one's size, the change reported (`PictureChange`; `strict` refuses it).
///
/// The first picture's reader is used only by `run` and `picture`, each holding `decoding`; its
/// size, format, colours and clock were read from it at init.
// @unchecked Sendable: `reader` is guarded by `decoding`; `settings` locks itself; the rest is immutable after init.
final class PictureFolderSource: FrameSource, @unchecked Sendable {
    let name: String
    /// The first readable picture's reader: its size, format, colours and time base stand for all.
    private let reader: VideoReader
    private let decoding = NSLock()
    let settings = SourceSettings()
    /// The first picture's size, pixel format, colours and clock.
    private let storedWidth: Int, storedHeight: Int
    let sourcePixelFormat: WorkingFormat.Format
    let color: ColorProperties
    private let clock: StreamClock
    /// The folder's files in name order; picture `i` comes from `sourcePaths[i]`.
    let sourcePaths: [String]
    let workingFormat: WorkingFormat.Format
    /// Make the first unreadable picture an error instead of skipping it.
    let strict: Bool
    private let threads: Int
    /// The files before the first readable one, with why each could not be read.
    private let unreadableAtOpen: [(path: String, reason: String)]
    /// The index in `sourcePaths` of the file `reader` opened.
    private let firstPicture: Int
    /// The size of the picture before, against the first one's (used by `read`, under `decoding`).
    private var change: PictureChange

    /// Lists `folder` and opens its first readable picture, for `space` work.
    ///
    /// - Throws: `ConvoyError` when the folder cannot be listed or holds no readable picture, or
    ///   (`strict`) at the first unreadable one.
    init(folder: String, space: FilterSpace, threads: Int, strict: Bool) throws {
        name = folder
        self.threads = threads
        self.strict = strict
        let files = try PictureFolder.list(folder)
        var unreadable: [(path: String, reason: String)] = []
        var opened: (VideoReader, Int)?
        for (index, path) in files.enumerated() {
            do {
                let candidate = try VideoReader(path, threads: threads)
                guard candidate.width > 0, candidate.height > 0 else { throw MediaError.noVideoStream(input: path) }
                opened = (candidate, index)
                break
            } catch {
                let reason = PictureFolderSource.reason(error, name: path)
                if strict {
                    throw ConvoyError("\(path): not a readable image (\(reason); --strict stops at the first damage).", exitCode: ConvoyError.dataError)
                }
                unreadable.append((path, reason))
            }
        }
        guard let (first, index) = opened else {
            throw ConvoyError("\(folder): no file in the folder is a readable image.", exitCode: ConvoyError.dataError)
        }
        reader = first
        sourcePaths = files
        firstPicture = index
        unreadableAtOpen = unreadable
        change = PictureChange(first: .init(width: first.width, height: first.height, pixelFormat: first.pixelFormat))
        let source = first.pixelFormat
        workingFormat = space == .rgb ? WorkingFormat.rgb(for: source) : WorkingFormat.yuv(for: source)
        sourcePixelFormat = source
        (storedWidth, storedHeight) = (first.width, first.height)
        color = first.color
        clock = first.clock
    }

    var width: Int { scaledSize?.width ?? storedWidth }
    var height: Int { scaledSize?.height ?? storedHeight }
    var duration: Double? { nil }
    var declaredFrameCount: Int { sourcePaths.count }
    func withContainer<T>(_ body: (InputFile?) throws -> T) rethrows -> T { try body(nil) }
    var passedDisplayMatrix: [Int32]? { nil }

    func makeImage() -> PlanarImage { PlanarImage(width: width, height: height, pixelFormat: workingFormat) }
    func seconds(_ timestamp: Int64?) -> Double { clock.seconds(timestamp) }
    var timeTolerance: Double { clock.timeTolerance }

    func picture(width: Int, height: Int, keepingDepth: Bool) -> VideoEncoder.Picture {
        decoding.withLock { reader.picture(width: width, height: height, orientation: .upright, keepingDepth: keepingDepth) }
    }

    func run(into queue: BoundedQueue<PlanarImage>, every: Int, counts: StageCounters,
             copyPacket: ((Packet) throws -> Void)?) throws {
        defer { queue.close() }
        try decoding.withLock { try readAll(into: queue, every: every, counts: counts) }
    }

    /// `run`'s reading, holding `decoding`.
    private func readAll(into queue: BoundedQueue<PlanarImage>, every: Int, counts: StageCounters) throws {
        let pool = self.pool
        for (path, reason) in unreadableAtOpen { try skip(path, reason, counts: counts) }
        for index in firstPicture..<sourcePaths.count {
            // Ctrl-C: stop reading; what was read is still processed and written.
            guard Interruption.receivedSignal == nil else { return }
            let path = sourcePaths[index]
            let picture: PlanarImage?
            do {
                picture = try read(path, reader: index == firstPicture ? reader : try VideoReader(path, threads: threads), pool: pool)
            } catch let error as ConvoyError {
                throw error
            } catch {
                try skip(path, PictureFolderSource.reason(error, name: path), counts: counts)
                continue
            }
            guard let picture else {
                try skip(path, "the picture is damaged or missing", counts: counts)
                continue
            }
            counts.framesDecoded += 1
            guard index % every == 0 else { continue }
            picture.timestamp = Int64(index)
            picture.index = index
            picture.duration = 1
            if !queue.push(picture) { return }
        }
    }

    /// The first frame of `file` in the working format; nil when it has none or it is damaged.
    ///
    /// A picture of another size than the first is scaled to it, reported (`PictureChange`), or
    /// refused with `strict`.
    ///
    /// - Throws: `ConvoyError` (65, `strict`) for a picture of another size; the decoder's errors otherwise.
    private func read(_ path: String, reader file: VideoReader, pool: ImagePool?) throws -> PlanarImage? {
        let scaler = Scaler(color: file.color)
        var picture: PlanarImage?
        try file.decode { event in
            switch event {
            case .frame(let decoded):
                guard !decoded.frame.isCorrupt else { return false }
                // Sizes only: a folder's files may be stored in other formats (PNG's RGB, JPEG's YUV).
                try self.change.note(.init(width: decoded.frame.width, height: decoded.frame.height, pixelFormat: self.sourcePixelFormat),
                                     name: self.name, place: "in \((path as NSString).lastPathComponent)", strict: self.strict)
                let image = pool?.take() ?? self.makeImage()
                try scaler.convert(decoded.frame, into: image)  // scaled when `scaledSize` is set
                picture = image
                return false
            case .damagedPacket(let error, _):
                throw error
            case .readFailed(let error):
                throw error
            case .shortRawFrame:
                return true
            }
        }
        return picture
    }

    private func skip(_ path: String, _ reason: String, counts: StageCounters) throws {
        if strict {
            throw ConvoyError("\(path): not a readable image (\(reason); --strict stops at the first damage).", exitCode: ConvoyError.dataError)
        }
        counts.decodeErrors += 1
        Log.warning("\(path): not a readable image (\(reason)); skipped.")
    }

    /// Why `error` made a file unreadable, in a few words.
    private static func reason(_ error: Error, name: String) -> String {
        if let error = error as? FFmpegError { return error.reason }
        if let error = error as? MediaError { return error.description }
        return String(describing: MediaErrors.input(error, name: name))
    }
}
