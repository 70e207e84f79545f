import CFFmpeg
import ConvoyFiles
import Foundation

/// Writes a single picture as a PNG file with FFmpeg's PNG encoder, through a `StagedFile`
/// renamed onto the target.
public enum PNGWriter {
    /// Encodes `image` (any planar working format) as 8-bit RGB PNG at `path`.
    public static func write(_ image: PlanarImage, to path: String, color: ColorProperties = ColorProperties()) throws {
        let picture = VideoEncoder.Picture(width: image.width, height: image.height, timeBase: AVRational(num: 1, den: 1),
                                           frameRate: nil, color: color)
        let encoder = try VideoEncoder(settings: EncoderSettings(codec: "png", pixelFormat: "rgb24"), picture: picture,
                                       globalHeader: false)
        let frame = try Scaler(color: color).convert(image, width: image.width, height: image.height, pixelFormat: encoder.pixelFormat)
        frame.pointer.pointee.pts = 0
        var bytes = Data()
        let collect: (Packet) throws -> Void = { packet in
            bytes.append(packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size))
        }
        try encoder.encode(frame, write: collect)
        try encoder.encode(nil, write: collect)
        let file: StagedFile
        do {
            file = try StagedFile.create(target: path)
            try file.write(bytes)
        } catch {
            throw FFmpegError(code: convoy_averror(EACCES), function: "avio_open(\(path))")
        }
        do {
            try file.commit()
        } catch let error as FileError {
            throw FFmpegError(code: convoy_averror(error.code ?? EIO), function: "rename(\(path))")
        }
    }
}
