import ConvoyFiles
import ConvoyMedia
import Foundation

/// Turns errors from opening media into one-line, exit-coded `ConvoyError`s that name the file.
package enum MediaErrors {
    package static func input(_ error: Error, name: String) -> Error {
        if error is ConvoyError { return error }
        if let error = error as? FFmpegError {
            if error.isMissingFile {
                return ConvoyError("\(name): no such file.", exitCode: ConvoyError.noInput)
            }
            if error.code == -EACCES {
                return ConvoyError("\(name): permission denied.", exitCode: ConvoyError.noInput)
            }
            return ConvoyError("\(name): not a readable video (\(error.reason)).", exitCode: ConvoyError.dataError)
        }
        if let error = error as? MediaError {
            return ConvoyError(error.description, exitCode: ConvoyError.dataError)
        }
        return error
    }

    package static func output(_ error: Error, name: String) -> Error {
        if error is ConvoyError { return error }
        if let error = error as? FileError { return ConvoyError(error) }
        if let error = error as? MediaError {
            switch error {
            case .segmentMismatch, .cannotIndex:
                return ConvoyError(error.description, exitCode: ConvoyError.dataError)
            case .cannotStage, .outputExists:
                return ConvoyError(error.description, exitCode: ConvoyError.cannotCreate)
            default:
                return ConvoyError(error.description, exitCode: ConvoyError.usage)
            }
        }
        if let error = error as? FFmpegError {
            // A full disk, quota or file-size limit, at the header, a packet or the trailer: the
            // output could not be made, as when its directory cannot be written.
            if error.isOutOfSpace {
                return ConvoyError("\(name): cannot write the output (\(error.reason)).", exitCode: ConvoyError.cannotCreate)
            }
            if error.function.hasPrefix("avio_open") || error.function.hasPrefix("rename") {
                return ConvoyError("\(name): cannot create the output (\(error.reason)).", exitCode: ConvoyError.cannotCreate)
            }
            if error.function.hasPrefix("avcodec_open2") {
                return ConvoyError("\(name): the encoder would not open (\(error.reason)); check --codec, --pix-fmt and the encoder options.", exitCode: ConvoyError.usage)
            }
            return ConvoyError("\(name): \(error.description).", exitCode: ConvoyError.ioError)
        }
        return error
    }
}
